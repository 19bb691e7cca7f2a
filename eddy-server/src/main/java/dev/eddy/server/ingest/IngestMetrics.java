package dev.eddy.server.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Ingest's Prometheus metrics: requests by route and status, events accepted and rejected, produce latency. */
final class IngestMetrics {
    private final MeterRegistry registry;
    final Counter accepted;
    final Counter rejected;
    final Timer produceLatency;

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder("eddy.ingest.events.accepted")
                .description("Events acknowledged by Kafka on eddy.events").register(registry);
        this.rejected = Counter.builder("eddy.ingest.events.rejected")
                .description("Events rejected as invalid and kept on eddy.events.invalid").register(registry);
        this.produceLatency = Timer.builder("eddy.ingest.produce.latency")
                .description("From a request's first publish to Kafka acknowledging all of it")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    void request(String route, int status) {
        registry.counter("eddy.ingest.requests", "route", route, "status", Integer.toString(status)).increment();
    }
}
