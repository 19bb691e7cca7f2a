package dev.eddy.stream.dedup;

import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.time.DurationChecks;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets the first event of each dedup key through and drops the others: client retries carry the
 * same messageId. Keyed by {@link AnalyticsEvent#dedupKey()}; a key is remembered for the TTL
 * after its first sighting (processing time, the only time Flink's state TTL knows), then
 * forgotten, so the state stays bounded by the traffic of one TTL.
 */
public final class Deduplicator extends KeyedProcessFunction<String, AnalyticsEvent, AnalyticsEvent> {

    /** Flink metric: duplicates dropped. */
    public static final String DUPLICATES_METRIC = "eddyDuplicatesDropped";

    private final Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public Deduplicator(Duration ttl) {
        this.ttl = DurationChecks.positive(ttl, "ttl");
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                // a retry does not extend the window: 24 h from the first sighting
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                // heap backend: sweep expired keys on every record, not just on access; RocksDB
                // keeps its default compaction-filter cleanup
                .cleanupIncrementally(10, true)
                .build());
        seen = getRuntimeContext().getState(descriptor);
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES_METRIC);
    }

    @Override
    public void processElement(AnalyticsEvent event, Context ctx, Collector<AnalyticsEvent> out)
            throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(event);
    }
}
