package dev.eddy.store.metrics;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.UpsertSink;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The Flink sink of a per-minute view: {@link MetricsUpsert#sql} by an {@link UpsertSink}. Feed it
 * from the operator partitioned by (minute, name), at the same parallelism.
 */
public final class MetricsSink {

    private MetricsSink() {}

    /** Upserts each metric into {@code view}, its {@link MinuteMetric#event()} being the view's name. */
    public static Sink<MinuteMetric> upserting(DatabaseAddress address, MinuteView view) {
        return UpsertSink.of(address, MetricsUpsert.sql(view), MetricsUpsert::bind);
    }
}
