package dev.eddy.model.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.List;

/**
 * Eddy's whole configuration: one YAML file ({@code eddy.yaml}), each key overridable by an
 * {@code EDDY_…} environment variable, then by command-line flags. The defaults run the
 * embedded mode with no file at all. Durations are written {@code 200ms}, {@code 5s},
 * {@code 10m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code PT5S}).
 */
public record EddyConfig(String dataDir, Server server, Kafka kafka, Flink flink, Stream stream,
                         Ingest ingest, Store store, Query query) {

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

    /** The embedded Flink MiniCluster and the job's checkpointing. */
    public record Flink(int port, int parallelism,
                        @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration checkpointInterval) {}

    /** Event-time handling of the analytics job. */
    public record Stream(
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration outOfOrderness,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration idleness,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration allowedLateness,
            @JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration dedupWindow) {}

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

    /** Query API limits. */
    public record Query(@JsonDeserialize(using = Durations.Reader.class) @JsonSerialize(using = Durations.Writer.class) Duration maxRange) {}

    /** The configuration with no file, no environment and no flags. */
    public static EddyConfig defaults() {
        return new EddyConfig("./eddy-data",
                new Server(8080, List.of(), List.of()),
                new Kafka("", 9092, 4, Duration.ofDays(7), Duration.ofSeconds(10)),
                new Flink(8081, 2, Duration.ofSeconds(2)),
                new Stream(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofHours(24)),
                new Ingest(Duration.ofMinutes(10), 0),
                new Store("", "", ""),
                new Query(Duration.ofDays(31)));
    }
}
