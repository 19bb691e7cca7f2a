package dev.eddy.store.metrics;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.UpsertSink;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The Flink sink of the per-minute metrics view: {@link MetricsUpsert#SQL} by an {@link
 * UpsertSink}. Feed it from the operator partitioned by (minute, event), at the same parallelism.
 */
public final class MetricsSink {

    private MetricsSink() {}

    public static Sink<MinuteMetric> upserting(DatabaseAddress address) {
        return UpsertSink.of(address, MetricsUpsert.SQL, MetricsUpsert::bind);
    }
}
