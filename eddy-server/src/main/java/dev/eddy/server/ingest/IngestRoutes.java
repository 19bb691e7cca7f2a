package dev.eddy.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.model.EventType;
import dev.eddy.model.InvalidRecord;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.ingest.CloudEventsMapping;
import dev.eddy.model.ingest.FieldError;
import dev.eddy.model.ingest.IngestJson;
import dev.eddy.model.ingest.MappedEvent;
import dev.eddy.model.ingest.SegmentMapping;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The ingest endpoints: Segment's HTTP Tracking API (and the browser library's short routes) and
 * the CloudEvents HTTP binding. A request is answered 200 only once Kafka acknowledged every
 * event of it; bad events are answered 400 by index and field and kept on
 * {@code eddy.events.invalid}, while the good events of the same request are accepted.
 */
public final class IngestRoutes {
    /** Segment's limit for a whole request. */
    static final int MAX_REQUEST_BYTES = 500 * 1024;
    /** Seconds a client should wait before retrying while Kafka cannot take writes. */
    static final String RETRY_AFTER_SECONDS = "5";

    private final EventPublisher publisher;
    private final SegmentMapping segment;
    private final CloudEventsMapping cloudEvents;
    private final WriteKeys writeKeys;
    private final RateLimiter rateLimiter;
    private final IngestMetrics metrics;
    private final Clock clock;
    /** Where replies are written: Jetty's threads, not Kafka's producer I/O thread that completes the acks. */
    private Executor replies;

    public IngestRoutes(EventPublisher publisher, Set<String> writeKeys, EddyConfig.Ingest limits,
                        MeterRegistry registry, Clock clock) {
        this.publisher = publisher;
        this.segment = new SegmentMapping(limits.maxFutureSkew());
        this.cloudEvents = new CloudEventsMapping(limits.maxFutureSkew());
        this.writeKeys = new WriteKeys(writeKeys);
        this.rateLimiter = new RateLimiter(limits.rateLimit());
        this.metrics = new IngestMetrics(registry);
        this.clock = clock;
    }

    public void register(Javalin app) {
        replies = app.jettyServer().threadPool();
        Map<String, EventType> singles = Map.of(
                "track", EventType.TRACK, "page", EventType.PAGE, "screen", EventType.SCREEN,
                "identify", EventType.IDENTIFY, "group", EventType.GROUP, "alias", EventType.ALIAS);
        singles.forEach((route, type) -> {
            app.post("/v1/" + route, ctx -> segment(ctx, route, (body, key, at) -> segment.single(type, body, key, at)));
            // analytics.js posts to one-letter routes
            app.post("/v1/" + route.charAt(0), ctx -> segment(ctx, route, (body, key, at) -> segment.single(type, body, key, at)));
        });
        for (String route : List.of("batch", "b", "import")) {
            app.post("/v1/" + route, ctx -> segment(ctx, "batch", segment::batch));
        }
        app.post("/v1/events", this::cloudEvents);
    }

    @FunctionalInterface
    private interface SegmentMapper {
        List<MappedEvent> map(JsonNode body, String writeKey, Instant receivedAt);
    }

    private void segment(Context ctx, String route, SegmentMapper mapper) throws IOException {
        Instant receivedAt = clock.instant();
        String headerKey = WriteKeys.basicUser(ctx.header("Authorization")).orElse(null);
        if (headerKey != null && !writeKeys.accepts(headerKey)) {
            reply(ctx, route, 401, IngestReply.requestError("writeKey", "unknown write key"));
            return;
        }
        String type = mediaType(ctx);
        if (!type.equals("application/json") && !type.equals("text/plain")) {
            reply(ctx, route, 415, IngestReply.requestError("Content-Type",
                    "expected application/json or text/plain holding JSON, got '" + type + "'"));
            return;
        }
        byte[] bytes = readBody(ctx, route);
        if (bytes == null) return;
        JsonNode body;
        try {
            body = IngestJson.read(bytes);
        } catch (JsonProcessingException notJson) {
            if (headerKey == null) {
                reply(ctx, route, 401, IngestReply.requestError("writeKey", "missing write key (HTTP Basic user name)"));
                return;
            }
            publishAndReply(ctx, route, headerKey, List.of(IngestJson.notJson(bytes, notJson)), receivedAt);
            return;
        }
        String key = headerKey != null ? headerKey : SegmentMapping.writeKeyOf(body);
        if (!writeKeys.accepts(key)) {
            reply(ctx, route, 401, IngestReply.requestError("writeKey", key == null
                    ? "missing write key (HTTP Basic user name, or writeKey in the body)" : "unknown write key"));
            return;
        }
        List<MappedEvent> mapped = mapper.map(body, key, receivedAt);
        publishAndReply(ctx, route, key, mapped, receivedAt);
    }

    private void cloudEvents(Context ctx) throws IOException {
        String route = "events";
        Instant receivedAt = clock.instant();
        String key = WriteKeys.basicUser(ctx.header("Authorization")).orElse(null);
        if (!writeKeys.accepts(key)) {
            reply(ctx, route, 401, IngestReply.requestError("writeKey", key == null
                    ? "missing write key (HTTP Basic user name)" : "unknown write key"));
            return;
        }
        String type = mediaType(ctx);
        // any ce-* header means binary mode: a missing ce-specversion is then named by validation
        boolean binary = ctx.headerMap().keySet().stream().anyMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("ce-"));
        if (!binary && !type.equals("application/cloudevents+json")
                && !type.equals("application/cloudevents-batch+json")) {
            reply(ctx, route, 415, IngestReply.requestError("Content-Type", "expected application/cloudevents+json"
                    + " (structured), application/cloudevents-batch+json (batch), or ce-* headers (binary), got '"
                    + type + "'"));
            return;
        }
        byte[] bytes = readBody(ctx, route);
        if (bytes == null) return;
        Map<String, String> headers = new TreeMap<>();
        ctx.headerMap().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        List<MappedEvent> mapped = cloudEvents.map(headers, bytes, receivedAt);
        publishAndReply(ctx, route, key, mapped, receivedAt);
    }

    /** @return the body, or null once a 413, a 415 or a 400 for its encoding was answered */
    private byte[] readBody(Context ctx, String route) throws IOException {
        try {
            return RequestBody.read(ctx.req().getInputStream(), ctx.header("Content-Encoding"), MAX_REQUEST_BYTES);
        } catch (RequestBody.Refused e) {
            reply(ctx, route, e.status, IngestReply.requestError(e.field, e.getMessage()));
            return null;
        }
    }

    /**
     * Publishes the valid events to eddy.events and the rejected ones to eddy.events.invalid, and
     * answers once Kafka acknowledged all of them: 200, 400 naming the rejected ones, or 503
     * while Kafka cannot take writes (503 wins: the client must retry the whole request).
     */
    private void publishAndReply(Context ctx, String route, String key, List<MappedEvent> mapped, Instant receivedAt) {
        long started = System.nanoTime();
        int valid = (int) mapped.stream().filter(MappedEvent::isValid).count();
        if (!rateLimiter.tryAcquire(key, mapped.size(), started)) {
            ctx.header("Retry-After", "1");
            reply(ctx, route, 429, IngestReply.requestError("", "rate limit exceeded for this write key: retry later"));
            return;
        }
        AtomicInteger acknowledged = new AtomicInteger();
        List<CompletableFuture<?>> acks = new ArrayList<>(mapped.size());
        List<FieldError> errors = new ArrayList<>();
        Throwable unavailable = null;
        for (MappedEvent m : mapped) {
            if (!m.isValid()) errors.addAll(m.errors());
            CompletableFuture<RecordMetadata> sent;
            if (unavailable != null) {
                // a write of this request already failed as it was handed over, after blocking up to
                // the produce timeout (no metadata for the topic while Kafka is away): each further
                // one would block as long again, and the request gets its 503 anyway
                sent = CompletableFuture.failedFuture(unavailable);
            } else {
                sent = m.isValid() ? publisher.publish(m.event())
                        : publisher.publishInvalid(null, InvalidRecord.of(m, receivedAt).encode());
                unavailable = failedUnavailable(sent);
            }
            acks.add(m.isValid() ? sent.thenRun(acknowledged::incrementAndGet) : sent);
        }
        ctx.future(() -> CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).handleAsync((ok, failure) -> {
            metrics.produceLatency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                int status = EventPublisher.isUnavailable(cause) ? 503 : 500;
                if (status == 503) ctx.header("Retry-After", RETRY_AFTER_SECONDS);
                metrics.accepted.increment(acknowledged.get());
                reply(ctx, route, status, IngestReply.failed(acknowledged.get(), List.of(new FieldError(-1, "",
                        (status == 503 ? "Kafka cannot take writes now, retry later: " : "publishing failed: ")
                                + cause.getMessage()))));
                return null;
            }
            metrics.accepted.increment(valid);
            metrics.rejected.increment(mapped.size() - valid);
            reply(ctx, route, errors.isEmpty() ? 200 : 400,
                    errors.isEmpty() ? IngestReply.ok() : IngestReply.failed(valid, errors));
            return null;
        }, replies));
    }

    /** Why a write failed as it was handed over, when that means Kafka cannot take writes now; else null. */
    private static Throwable failedUnavailable(CompletableFuture<RecordMetadata> sent) {
        if (!sent.isCompletedExceptionally()) return null;
        Throwable failure = sent.handle((ok, error) -> error).join();
        return EventPublisher.isUnavailable(failure) ? failure : null;
    }

    private void reply(Context ctx, String route, int status, IngestReply body) {
        metrics.request(route, status);
        ctx.status(status).json(body);
    }

    private static String mediaType(Context ctx) {
        String type = ctx.contentType();
        if (type == null) return "";
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
