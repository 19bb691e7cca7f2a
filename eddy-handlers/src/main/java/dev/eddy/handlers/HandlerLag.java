package dev.eddy.handlers;

import dev.eddy.bus.topic.TopicAdmin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code eddy_handler_lag{handler}} on {@code /metrics}: the records on a handler's topic ({@code
 * eddy.events} or {@code eddy.alerts}) past its committed place, from Kafka, so it keeps growing
 * while the handler waits on a receiver that is down. Read on scrape for all handlers in one round
 * of requests, at most once a second, and after Kafka failed to answer not again for ten: a scrape
 * must not wait on Kafka every time (NaN meanwhile).
 */
final class HandlerLag implements AutoCloseable {
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(2);
    private static final long FRESH_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long FAILED_NANOS = Duration.ofSeconds(10).toNanos();

    private final TopicAdmin admin;
    private final MeterRegistry registry;
    /** The handlers' consumer groups, each with the topic it reads. */
    private final Map<String, String> topicOfGroup = new HashMap<>();
    private final List<Gauge> gauges = new ArrayList<>();
    /** By consumer group. */
    private Map<String, Long> lags = Map.of();
    private long readAt;
    private long validNanos;

    HandlerLag(String bootstrap, MeterRegistry registry) {
        this.admin = new TopicAdmin(bootstrap, SCRAPE_TIMEOUT);
        this.registry = registry;
    }

    /** @param topic the topic the handler reads */
    synchronized void bind(String handler, String topic) {
        topicOfGroup.put(Handlers.groupOf(handler), topic);
        gauges.add(Gauge.builder("eddy.handler.lag", this, lag -> lag.of(handler)).tag("handler", handler)
                .description("Records on its topic the handler has not yet committed as handled")
                .strongReference(true).register(registry));
    }

    private synchronized double of(String handler) {
        long now = System.nanoTime();
        if (readAt == 0 || now - readAt >= validNanos) {
            readAt = now;
            try {
                lags = admin.consumerLags(topicOfGroup);
                validNanos = FRESH_NANOS;
            } catch (TopicAdmin.KafkaTopicException e) {
                lags = Map.of();
                validNanos = FAILED_NANOS;
            }
        }
        Long lag = lags.get(Handlers.groupOf(handler));
        return lag == null ? Double.NaN : lag;
    }

    /** Takes the gauges off the registry, which would otherwise keep reading through a closed admin client. */
    @Override
    public synchronized void close() {
        gauges.forEach(registry::remove);
        admin.close();
    }
}
