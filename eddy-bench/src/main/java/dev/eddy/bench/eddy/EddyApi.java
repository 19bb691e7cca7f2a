package dev.eddy.bench.eddy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.EventJson;
import dev.eddy.runtime.InstanceFile;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A running Eddy seen from outside, as the bench needs it: batches posted without retries (a
 * bench must not hide a failure), the per-minute view, and the pipeline's consumer lag.
 * Thread-safe.
 */
public final class EddyApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The Prometheus name of the consumer-lag gauge Eddy publishes on {@code /metrics}. */
    private static final String LAG_METRIC = "eddy_pipeline_consumer_lag ";
    /** Micrometer's JVM memory gauge, one line per pool: {@code jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2E8}. */
    private static final String HEAP_METRIC = "jvm_memory_used_bytes{area=\"heap\"";

    private final String url;
    private final String basicAuth;
    private final String bearer;
    // HTTP/1.1: one request per connection at a time, as Segment's libraries post
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    public EddyApi(InstanceFile eddy) {
        this.url = eddy.url();
        this.basicAuth = "Basic " + Base64.getEncoder()
                .encodeToString((eddy.writeKeys().get(0) + ":").getBytes(StandardCharsets.UTF_8));
        this.bearer = "Bearer " + eddy.readKeys().get(0);
    }

    /** Posts one {@code /v1/batch} body; returns once Eddy answered 200, i.e. Kafka acknowledged every event. */
    public void postBatch(byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/batch"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", basicAuth)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("POST /v1/batch answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Event counts per series name in the minutes [from, to), summed over the minutes. */
    public Map<String, Long> countsByEvent(Instant from, Instant to) throws IOException, InterruptedException {
        return countsByEvent(from, to, null);
    }

    /** Events of one series in the minutes [from, to). */
    public long count(Instant from, Instant to, String event) throws IOException, InterruptedException {
        return countsByEvent(from, to, event).getOrDefault(event, 0L);
    }

    private Map<String, Long> countsByEvent(Instant from, Instant to, String event) throws IOException, InterruptedException {
        String query = "from=" + encode(from.toString()) + "&to=" + encode(to.toString())
                + (event == null ? "" : "&event=" + encode(event));
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/metrics/events?" + query))
                .timeout(TIMEOUT).header("Authorization", bearer).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET /v1/metrics/events answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        Map<String, Long> counts = new HashMap<>();
        for (JsonNode row : EventJson.MAPPER.readTree(response.body()).path("series")) {
            counts.merge(row.path("event").asText(), row.path("count").asLong(), Long::sum);
        }
        return counts;
    }

    /** Every event counted in the minutes [from, to). */
    public long totalCount(Instant from, Instant to) throws IOException, InterruptedException {
        return countsByEvent(from, to).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Events on {@code eddy.events} the analytics job has not consumed as of its last
     * checkpoint; NaN while Eddy cannot tell.
     */
    public double consumerLag() throws IOException, InterruptedException {
        for (String line : metrics()) {
            if (line.startsWith(LAG_METRIC)) return Double.parseDouble(line.substring(LAG_METRIC.length()).trim());
        }
        return Double.NaN;
    }

    /** Java heap in use, summed over the heap's memory pools, as Eddy's JVM metrics tell. */
    public long heapUsedBytes() throws IOException, InterruptedException {
        double used = 0;
        boolean found = false;
        for (String line : metrics()) {
            if (!line.startsWith(HEAP_METRIC)) continue;
            used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            found = true;
        }
        if (!found) throw new IOException("no " + HEAP_METRIC + " on " + url + "/metrics");
        return (long) used;
    }

    private String[] metrics() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body().split("\n");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
