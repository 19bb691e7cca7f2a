package dev.eddy.stream.dedup;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.time.DurationChecks;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.KeyedStateCheckpointOutputStream;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Lets the first event of each dedup key through and drops the others: client retries carry the
 * same messageId. Keyed by {@link AnalyticsEvent#dedupKey()}; a key is remembered for the TTL
 * after its first sighting (processing time, the only time Flink's state TTL knows), then
 * forgotten, so the state stays bounded by the traffic of one TTL.
 *
 * <p>The state is exact; a {@link SeenKeysFilter} per key group in front of it spares the lookup
 * of keys certainly never seen, most keys. The filters are checkpointed per key group with the
 * state (raw keyed state), so they restore with it, at any parallelism. This is why it is an
 * operator rather than a {@code KeyedProcessFunction}: only an operator writes raw keyed state.
 */
public final class Deduplicator extends AbstractStreamOperator<AnalyticsEvent>
        implements OneInputStreamOperator<AnalyticsEvent, AnalyticsEvent> {

    /** Flink metric: duplicates dropped. */
    public static final String DUPLICATES_METRIC = "eddyDuplicatesDropped";

    /** The 64-bit key hashes the filters keep: two keys sharing one are both looked up, no worse. */
    private static final HashFunction KEY_HASH = Hashing.murmur3_128();

    private final long ttlMillis;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;
    private transient int maxParallelism;
    private transient KeyGroupRange keyGroups;
    /** By key group, from the first of {@link #keyGroups}. */
    private transient SeenKeysFilter[] filters;

    public Deduplicator(Duration ttl) {
        this.ttlMillis = DurationChecks.positive(ttl, "ttl").toMillis();
    }

    @Override
    protected boolean isUsingCustomRawKeyedState() {
        return true;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        TaskInfo task = getRuntimeContext().getTaskInfo();
        maxParallelism = task.getMaxNumberOfParallelSubtasks();
        keyGroups = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                maxParallelism, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
        filters = new SeenKeysFilter[keyGroups.getNumberOfKeyGroups()];
        long now = getProcessingTimeService().getCurrentProcessingTime();
        // the streams belong to the restore: read, not closed
        for (KeyGroupStatePartitionStreamProvider kept : context.getRawKeyedStateInputs()) {
            filters[kept.getKeyGroupId() - keyGroups.getStartKeyGroup()] =
                    SeenKeysFilter.readFrom(new DataInputStream(kept.getStream()), ttlMillis, now);
        }
        for (int i = 0; i < filters.length; i++) {
            if (filters[i] == null) {
                filters[i] = context.isRestored()
                        ? SeenKeysFilter.untrusted(ttlMillis, now)
                        : SeenKeysFilter.empty(ttlMillis);
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        KeyedStateCheckpointOutputStream out = context.getRawKeyedOperatorStateOutput();
        // not closed: the snapshot closes the stream it handed out
        DataOutputStream data = new DataOutputStream(out);
        for (int i = 0; i < filters.length; i++) {
            out.startNewKeyGroup(keyGroups.getStartKeyGroup() + i);
            filters[i].writeTo(data);
        }
        data.flush();
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMillis))
                // a retry does not extend the window: 24 h from the first sighting
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                // heap backend: sweep expired keys on every record, not just on access; RocksDB
                // keeps its default compaction-filter cleanup
                .cleanupIncrementally(10, true)
                .build());
        seen = getPartitionedState(descriptor);
        duplicates = getMetricGroup().counter(DUPLICATES_METRIC);
    }

    @Override
    public void processElement(StreamRecord<AnalyticsEvent> element) throws Exception {
        String key = element.getValue().dedupKey();
        SeenKeysFilter filter = filters[KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism)
                - keyGroups.getStartKeyGroup()];
        boolean first = filter.certainlyFirst(KEY_HASH.hashUnencodedChars(key).asLong(),
                getProcessingTimeService().getCurrentProcessingTime());
        if (!first && seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        output.collect(element);
    }
}
