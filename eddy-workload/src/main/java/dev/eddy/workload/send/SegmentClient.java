package dev.eddy.workload.send;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.EventJson;
import dev.eddy.workload.traffic.SegmentMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Posts Segment batches ({@code POST {url}/v1/batch}, {@code {"batch":[...]}}) with the write
 * key as HTTP Basic user, the way Segment's libraries do, retries included: on a network error,
 * 408, 429 or 5xx the same bytes (same messageIds) are sent again after an exponential backoff
 * with jitter, honouring Retry-After, until the retry timeout. Any other non-2xx status fails at
 * once with the server's body. Thread-safe.
 */
public final class SegmentClient {

    private final HttpClient http;
    private final URI batchUri;
    private final String authorization;
    private final Duration retryTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;

    private SegmentClient(Builder b) {
        this.batchUri = URI.create(b.url.toString().replaceAll("/+$", "") + "/v1/batch");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((b.writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.retryTimeout = b.retryTimeout;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout;
        // HTTP/1.1: no h2c upgrade dance on plain http, one request per connection at a time
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.requestTimeout)
                .build();
    }

    /** @param url the server's base URL, e.g. {@code http://127.0.0.1:8080} */
    public static Builder builder(URI url, String writeKey) {
        return new Builder(url, writeKey);
    }

    public URI batchUri() {
        return batchUri;
    }

    /**
     * Sends one batch until the server acknowledges it.
     *
     * @throws BatchRejectedException on a status that retrying cannot fix, with the server's body
     * @throws RetryTimeoutException when the retry timeout runs out first
     */
    public BatchAck post(List<SegmentMessage> batch) throws InterruptedException {
        if (batch.isEmpty()) throw new IllegalArgumentException("an empty batch");
        String firstId = batch.get(0).messageId();
        HttpRequest request = HttpRequest.newBuilder(batchUri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(batch)))
                .build();
        long deadline = System.nanoTime() + retryTimeout.toNanos();
        long backoff = initialBackoff.toNanos();
        for (int attempt = 1; ; attempt++) {
            String error;
            long retryAfter = 0;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) return new BatchAck(attempt);
                if (!retryable(status)) throw new BatchRejectedException(status, response.body(), firstId);
                error = "HTTP " + status + " " + response.body();
                retryAfter = retryAfterNanos(response);
            } catch (IOException e) {
                error = e.toString();
            }
            // equal jitter: concurrent senders that failed together do not retry together
            long delay = Math.min(Math.max(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1), retryAfter),
                    maxBackoff.toNanos());
            if (System.nanoTime() + delay - deadline > 0) throw new RetryTimeoutException(attempt, firstId, error);
            Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
            backoff = Math.min(backoff * 2, maxBackoff.toNanos());
        }
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private static long retryAfterNanos(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After")
                .filter(v -> v.matches("\\d{1,6}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v)).toNanos())
                .orElse(0L);
    }

    private static byte[] body(List<SegmentMessage> batch) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode items = root.putArray("batch");
        batch.forEach(m -> items.add(m.json()));
        try {
            return EventJson.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a generated batch is always serialisable", e);
        }
    }

    /** Retry and timeout settings; the defaults suit a server that may restart under load. */
    public static final class Builder {
        private final URI url;
        private final String writeKey;
        private Duration retryTimeout = Duration.ofMinutes(10);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder(URI url, String writeKey) {
            this.url = Objects.requireNonNull(url, "url");
            this.writeKey = Objects.requireNonNull(writeKey, "writeKey");
        }

        /** How long one batch is retried before the run fails; default 10 min. */
        public Builder retryTimeout(Duration value) {
            this.retryTimeout = positive(value, "retryTimeout");
            return this;
        }

        /** First backoff, doubled after each failure up to {@code max}; defaults 100 ms and 30 s. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial backoff");
            this.maxBackoff = positive(max, "max backoff");
            if (max.compareTo(initial) < 0) throw new IllegalArgumentException("max backoff below the initial one");
            return this;
        }

        /** Connect and response timeout of one request; default 30 s. A timed-out request is retried. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = positive(value, "requestTimeout");
            return this;
        }

        public SegmentClient build() {
            return new SegmentClient(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) throw new IllegalArgumentException(name + " must be positive");
            return value;
        }
    }
}
