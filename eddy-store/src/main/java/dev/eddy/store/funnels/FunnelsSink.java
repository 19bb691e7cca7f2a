package dev.eddy.store.funnels;

import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.UpsertSink;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The Flink sink of the funnels view: {@link FunnelsUpsert#SQL} by an {@link UpsertSink}. Feed it
 * from the operator partitioned by funnel and minute (or by minute), at the same parallelism, so that
 * one funnel's minute's rows reach the database in the order they were made.
 */
public final class FunnelsSink {

    private FunnelsSink() {}

    public static Sink<FunnelMetric> upserting(DatabaseAddress address) {
        return UpsertSink.of(address, FunnelsUpsert.SQL, FunnelsUpsert::bind);
    }
}
