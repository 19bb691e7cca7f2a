package dev.eddy.handlers;

import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.model.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code eddy_handler_lag{handler}} on {@code /metrics}: the events on {@code eddy.events} past a
 * handler's committed place, from Kafka, so it keeps growing while the handler waits on a receiver
 * that is down. Read on scrape, at most once a second per handler; NaN while Kafka does not answer.
 */
final class HandlerLag implements AutoCloseable {
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(2);
    private static final long FRESH_NANOS = Duration.ofSeconds(1).toNanos();

    private record Reading(double lag, long takenAt) {}

    private final TopicAdmin admin;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();

    HandlerLag(String bootstrap) {
        this.admin = new TopicAdmin(bootstrap, SCRAPE_TIMEOUT);
    }

    void bind(String handler, MeterRegistry registry) {
        Gauge.builder("eddy.handler.lag", this, lag -> lag.of(handler)).tag("handler", handler)
                .description("Events on eddy.events the handler has not yet committed as handled")
                .strongReference(true).register(registry);
    }

    private double of(String handler) {
        long now = System.nanoTime();
        return readings.compute(handler, (name, last) -> last != null && now - last.takenAt() < FRESH_NANOS
                ? last : new Reading(read(name), now)).lag();
    }

    private double read(String handler) {
        try {
            return admin.consumerLag(Handlers.groupOf(handler), Topics.EVENTS);
        } catch (TopicAdmin.KafkaTopicException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
