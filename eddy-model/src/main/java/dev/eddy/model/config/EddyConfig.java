package dev.eddy.model.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.eddy.model.funnels.FunnelStep;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Eddy's whole configuration: one YAML file ({@code eddy.yaml}), each key overridable by an
 * {@code EDDY_…} environment variable, then by command-line flags. The defaults run the
 * embedded mode with no file at all. Durations are written {@code 200ms}, {@code 5s},
 * {@code 10m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code PT5S}).
 *
 * <p>{@code funnels} holds the funnels the analytics job follows, by name, each its steps in
 * order ({@code page:Home}, {@code track:Order Completed}; see {@code Funnel}); none by default.
 */
public record EddyConfig(String dataDir, Server server, Kafka kafka, Flink flink, Stream stream,
                         Alerts alerts, Ingest ingest, Store store, Query query, Map<String, Handler> handlers,
                         Map<String, List<FunnelStep>> funnels) {

    /** HTTP server and its keys. */
    public record Server(int port, List<String> writeKeys, List<String> readKeys) {}

    /** Kafka: {@code bootstrap} empty starts an embedded broker on {@code port}. */
    public record Kafka(String bootstrap, int port, int partitions,
                        @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration retention,
                        @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration produceTimeout) {
        public boolean embedded() {
            return bootstrap == null || bootstrap.isBlank();
        }
    }

    /**
     * Where the analytics job runs and how it checkpoints: {@code jobmanager} empty starts an
     * embedded MiniCluster with its web UI on {@code port}; else it is the REST address
     * ({@code host:port}) of a Flink session cluster, which runs the job on after Eddy stops.
     * {@code checkpoints} is where that cluster keeps the job's state (the MiniCluster keeps it
     * in {@code <data-dir>/flink/checkpoints}).
     */
    public record Flink(String jobmanager, int port, int parallelism,
                        @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration checkpointInterval,
                        String checkpoints) {
        public boolean embedded() {
            return jobmanager == null || jobmanager.isBlank();
        }

        /** The cluster's REST address as a URL: {@code jobmanager} is {@code host:port} or {@code http://host:port}. */
        public URI jobManagerUrl() {
            String address = jobmanager.strip();
            return URI.create(address.contains("://") ? address : "http://" + address);
        }
    }

    /**
     * Event-time handling of the analytics job.
     *
     * @param sessionGap the longest quiet stretch inside one visitor's session (see the sessions view)
     */
    public record Stream(
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration outOfOrderness,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration idleness,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration allowedLateness,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration dedupWindow,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration sessionGap) {}

    /**
     * Anomaly alerts on the per-minute counts (see the analytics job's alert step).
     *
     * @param baseline how many of a series' recent minutes predict its next one, in whole minutes
     * @param threshold how many standard deviations from the baseline's mean a count may lie
     * @param minCount no spike below this count, no drop of a series whose mean is below it
     * @param delay how long after a minute is final it is judged, for events a little late
     */
    public record Alerts(
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration baseline,
            double threshold,
            int minCount,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration delay) {}

    /** Ingest limits: how far ahead of receipt a client clock may be, and a per-key rate limit (0 = none). */
    public record Ingest(
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration maxFutureSkew,
            int rateLimit) {}

    /** The views' database: {@code jdbcUrl} empty means H2 under the data dir. */
    public record Store(String jdbcUrl, String user, String password) {
        public boolean embedded() {
            return jdbcUrl == null || jdbcUrl.isBlank();
        }
    }

    /**
     * Query API limits.
     *
     * @param maxRange the longest range one query may ask for
     * @param timeout the longest a query of the views may run in the database, whole seconds
     */
    public record Query(@JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration maxRange,
                        @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration timeout) {}

    /**
     * A webhook handler, by name under {@code handlers}: the events (or alerts) it takes and the
     * URL it posts each one to, retried with exponential backoff, then kept on its dead-letter
     * topic. Keys left out of the file take {@link #defaults()}.
     *
     * @param url where each event is posted, http or https
     * @param subscribe {@value #EVENTS} (from {@code eddy.events}) or {@value #ALERTS} (from {@code eddy.alerts})
     * @param types the call types it takes ({@code track}, {@code page}, {@code screen}, {@code
     *     identify}, {@code group}, {@code alias}); with {@code events}, empty both means every
     *     event (or alert); none with {@value #ALERTS}
     * @param events track event names it takes, e.g. {@code Signed Up}; with {@value #ALERTS} the
     *     series whose alerts it takes (a track event's name, {@code page}, {@code screen})
     * @param maxAttempts posts per event at most, the first included
     * @param backoff the wait before the second attempt, doubled before each further one
     * @param maxBackoff the longest wait between two attempts
     * @param timeout how long one attempt may take
     * @param concurrency how many of its events it posts at once, in lanes by key: one user's
     *     events (one series' alerts) one after the other, in their order on the bus
     */
    public record Handler(
            String url, String subscribe, List<String> types, List<String> events, int maxAttempts,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration backoff,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration maxBackoff,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration timeout,
            int concurrency) {

        public static final String EVENTS = "events";
        public static final String ALERTS = "alerts";

        public boolean alerts() {
            return ALERTS.equals(subscribe);
        }

        /** The most events a handler may post at once: each lane is a thread of its own. */
        public static final int MAX_CONCURRENCY = 256;

        /**
         * No URL (it must be given), every event, 5 attempts, backoff 1 s doubling to at most 1 min,
         * 10 s per attempt, 8 posts at once.
         */
        public static Handler defaults() {
            return new Handler("", EVENTS, List.of(), List.of(), 5, Duration.ofSeconds(1), Duration.ofMinutes(1),
                    Duration.ofSeconds(10), 8);
        }
    }

    /** This configuration following {@code value} as its funnels; as the config holds them, not validated again. */
    public EddyConfig withFunnels(Map<String, List<FunnelStep>> value) {
        return new EddyConfig(dataDir, server, kafka, flink, stream, alerts, ingest, store, query, handlers, value);
    }

    /** The configuration with no file, no environment and no flags. */
    public static EddyConfig defaults() {
        return new EddyConfig("./eddy-data",
                new Server(8080, List.of(), List.of()),
                new Kafka("", 9092, 4, Duration.ofDays(7), Duration.ofSeconds(10)),
                new Flink("", 8081, 2, Duration.ofSeconds(2), ""),
                new Stream(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofHours(24),
                        Duration.ofMinutes(30)),
                new Alerts(Duration.ofMinutes(30), 4.0, 10, Duration.ofMinutes(1)),
                new Ingest(Duration.ofMinutes(10), 0),
                new Store("", "", ""),
                new Query(Duration.ofDays(31), Duration.ofSeconds(10)),
                Map.of(),
                Map.of());
    }
}
