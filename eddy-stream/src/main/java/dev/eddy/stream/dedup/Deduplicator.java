package dev.eddy.stream.dedup;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.time.DurationChecks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
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
 * of keys certainly never seen, most keys. The filters are not checkpointed (they would make every
 * checkpoint a full copy of them, megabytes every two seconds): a restored instance files the keys
 * of its restored state into them, at any parallelism, before its first event, and a state of
 * more than {@value #REBUILD_LIMIT} keys is looked up as before until its keys have expired. This
 * is why it is an operator rather than a {@code KeyedProcessFunction}: only an operator reaches the
 * keys of its state.
 */
public final class Deduplicator extends AbstractStreamOperator<AnalyticsEvent>
        implements OneInputStreamOperator<AnalyticsEvent, AnalyticsEvent> {

    /** Flink metric: duplicates dropped. */
    public static final String DUPLICATES_METRIC = "eddyDuplicatesDropped";

    /**
     * Keys of restored state filed into the filters at most: some seconds of a restore. Past it the
     * state is looked up as before until the keys it holds have expired.
     */
    static final long REBUILD_LIMIT = 5_000_000;

    private static final String SEEN = "seen";

    /**
     * The 64-bit key hashes the filters keep: two keys sharing one are both looked up, no worse.
     * FarmHash's fingerprint of the key's UTF-8 bytes, taken whole: a streaming hash fed the key
     * char by char took some ten times as long (360 against 36 ns for a UUID), on every event.
     * The filters are never checkpointed (a restore files the keys again), so the hash may change.
     */
    private static final HashFunction KEY_HASH = Hashing.farmHashFingerprint64();

    private final long ttlMillis;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;
    private transient int maxParallelism;
    private transient KeyGroupRange keyGroups;
    /** By key group, from the first of {@link #keyGroups}. */
    private transient SeenKeysFilter[] filters;
    private transient boolean restored;

    public Deduplicator(Duration ttl) {
        this.ttlMillis = DurationChecks.positive(ttl, "ttl").toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>(SEEN, Types.BOOLEAN);
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
        TaskInfo task = getRuntimeContext().getTaskInfo();
        maxParallelism = task.getMaxNumberOfParallelSubtasks();
        keyGroups = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                maxParallelism, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
        filters = new SeenKeysFilter[keyGroups.getNumberOfKeyGroups()];
        Arrays.setAll(filters, i -> SeenKeysFilter.empty(ttlMillis));
        if (restored) {
            fileRestoredKeys(getProcessingTimeService().getCurrentProcessingTime());
        }
    }

    /** Files the keys of the restored state into the filters, or gives up on them past the limit. */
    private void fileRestoredKeys(long now) {
        long filed = 0;
        try (Stream<String> keys = this.<String>getKeyedStateBackend().getKeys(SEEN, VoidNamespace.INSTANCE)) {
            Iterator<String> it = keys.iterator();
            while (it.hasNext()) {
                if (++filed > REBUILD_LIMIT) {
                    Arrays.setAll(filters, i -> SeenKeysFilter.untrusted(ttlMillis, now));
                    return;
                }
                String key = it.next();
                filterOf(key).certainlyFirst(hash(key), now); // filed; whether first is moot here
            }
        }
    }

    private SeenKeysFilter filterOf(String key) {
        return filters[KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism) - keyGroups.getStartKeyGroup()];
    }

    private static long hash(String key) {
        return KEY_HASH.hashBytes(key.getBytes(StandardCharsets.UTF_8)).asLong();
    }

    @Override
    public void processElement(StreamRecord<AnalyticsEvent> element) throws Exception {
        String key = element.getValue().dedupKey();
        boolean first = filterOf(key).certainlyFirst(hash(key), getProcessingTimeService().getCurrentProcessingTime());
        if (!first && seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        output.collect(element);
    }
}
