package dev.eddy.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import dev.eddy.stream.kafka.AnalyticsKafka;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline health on {@code /metrics}: the analytics job's consumer lag on {@code eddy.events}
 * (from Kafka: end offsets minus the offsets the job commits at each checkpoint), its last
 * completed checkpoint and that checkpoint's age, and the job's own counters of deduplicated and
 * late events (from Flink's REST API). Read on scrape, at most once a second.
 */
final class PipelineMetrics implements AutoCloseable {
    static final String CONSUMER_GROUP = AnalyticsKafka.GROUP_ID;
    /** How long a scrape waits for Kafka before the lag is NaN. */
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(2);

    /** One admin client for the process's life: creating one per scrape costs a connection and its metadata each time. */
    private final TopicAdmin admin;
    private final String flinkUrl;
    private final String jobId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private volatile long takenAt;

    PipelineMetrics(String bootstrap, String flinkUrl, String jobId) {
        this.admin = new TopicAdmin(bootstrap, SCRAPE_TIMEOUT);
        this.flinkUrl = flinkUrl;
        this.jobId = jobId;
    }

    private record Snapshot(double lag, double lastCheckpointMillis, double deduplicated, double late) {
        static final Snapshot EMPTY = new Snapshot(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Registers the gauges; they hold this object strongly (Micrometer's default is a weak reference). */
    void bindTo(MeterRegistry registry) {
        Gauge.builder("eddy.pipeline.consumer.lag", this, m -> m.current().lag)
                .description("Events on eddy.events not yet consumed by the analytics job (as of its last checkpoint)")
                .strongReference(true).register(registry);
        Gauge.builder("eddy.pipeline.checkpoint.last.completed", this, m -> m.current().lastCheckpointMillis / 1000)
                .description("When the last checkpoint completed (epoch seconds)").baseUnit("seconds").strongReference(true).register(registry);
        Gauge.builder("eddy.pipeline.checkpoint.age", this, m -> {
                    double last = m.current().lastCheckpointMillis;
                    return Double.isNaN(last) ? Double.NaN : (System.currentTimeMillis() - last) / 1000;
                })
                .description("Seconds since the last completed checkpoint").baseUnit("seconds").strongReference(true).register(registry);
        Gauge.builder("eddy.pipeline.events.deduplicated", this, m -> m.current().deduplicated)
                .description("Duplicate events dropped by the analytics job").strongReference(true).register(registry);
        Gauge.builder("eddy.pipeline.events.late", this, m -> m.current().late)
                .description("Events later than the allowed lateness, kept on eddy.events.late").strongReference(true).register(registry);
    }

    private synchronized Snapshot current() {
        if (System.nanoTime() - takenAt > TimeUnit.SECONDS.toNanos(1)) {
            snapshot = new Snapshot(lag(), lastCheckpoint(), jobCounter("eddyDuplicatesDropped"), jobCounter("eddyLateEvents"));
            takenAt = System.nanoTime();
        }
        return snapshot;
    }

    private double lag() {
        try {
            return admin.consumerLag(CONSUMER_GROUP, Topics.EVENTS);
        } catch (TopicAdmin.KafkaTopicException e) {
            return Double.NaN;
        }
    }

    private double lastCheckpoint() {
        JsonNode body = get("/jobs/" + jobId + "/checkpoints");
        JsonNode completed = body == null ? null : body.path("latest").path("completed");
        return completed == null || completed.isMissingNode() || completed.isNull()
                ? Double.NaN : completed.path("latest_ack_timestamp").asDouble(Double.NaN);
    }

    /** Sums a counter over every vertex and subtask of the job. */
    private double jobCounter(String name) {
        JsonNode job = get("/jobs/" + jobId);
        if (job == null) return Double.NaN;
        double sum = 0;
        boolean found = false;
        for (JsonNode vertex : job.path("vertices")) {
            String vid = vertex.path("id").asText();
            JsonNode available = get("/jobs/" + jobId + "/vertices/" + vid + "/subtasks/metrics");
            if (available == null) continue;
            for (JsonNode metric : available) {
                String id = metric.path("id").asText();
                if (!id.endsWith("." + name)) continue;
                JsonNode values = get("/jobs/" + jobId + "/vertices/" + vid + "/subtasks/metrics?get=" + id + "&agg=sum");
                if (values != null && values.size() > 0) {
                    sum += values.get(0).path("sum").asDouble();
                    found = true;
                }
            }
        }
        return found ? sum : 0;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(flinkUrl + path))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? EventJson.MAPPER.readTree(response.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
