package dev.eddy.stream.dedup;

import static dev.eddy.stream.event.TestEvents.analyticsTrack;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.stream.event.AnalyticsEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {

    private static final Duration TTL = Duration.ofHours(24);
    private static final int MAX_PARALLELISM = 128;
    /** Processing time for the filters: an hour into a TTL-long generation, where they vouch for keys. */
    private static final long AN_HOUR_IN = Duration.ofHours(1).toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, AnalyticsEvent, AnalyticsEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new Deduplicator(TTL), AnalyticsEvent::dedupKey, Types.STRING);
        harness.setStateTtlProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void dropsRetriesOfTheSameEvent() throws Exception {
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);
        harness.processElement(analyticsTrack("m2", "Signed Up", "bob", 1_500), 1_500);
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);
        harness.processElement(analyticsTrack("m2", "Signed Up", "bob", 1_500), 1_500);

        assertThat(harness.extractOutputValues())
                .extracting(AnalyticsEvent::dedupKey)
                .containsExactly("m1", "m2");
    }

    @Test
    void forgetsAKeyAfterItsTtl() throws Exception {
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);

        harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);
        assertThat(harness.extractOutputValues()).hasSize(1);

        harness.setStateTtlProcessingTime(TTL.toMillis());
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);
        assertThat(harness.extractOutputValues()).extracting(AnalyticsEvent::dedupKey).containsExactly("m1", "m1");
    }

    @Test
    void leavesNoStateOnceTheTtlPassed() throws Exception {
        for (int i = 0; i < 3; i++) {
            harness.processElement(analyticsTrack("m" + i, "Signed Up", "alice", 1_000), 1_000);
        }
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.setStateTtlProcessingTime(TTL.toMillis());
        // expired entries go lazily (Flink's default background cleanup): state accesses sweep them
        for (int i = 0; i < 10; i++) {
            harness.processElement(analyticsTrack("m-new", "Signed Up", "alice", 1_000), 1_000);
        }

        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void restoredOnRocksDbItStillDropsRetries() throws Exception {
        List<AnalyticsEvent> seen = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) seen.add(analyticsTrack("m" + i, "Signed Up", "alice", 1_000));
        List<AnalyticsEvent> again = new ArrayList<>(seen);
        for (int i = 1_000; i < 1_003; i++) again.add(analyticsTrack("m" + i, "Signed Up", "alice", 1_000));

        var restored = restored(snapshotOf(0, 1, seen), 0, 1);
        assertThat(outputOf(restored, again)).extracting(AnalyticsEvent::dedupKey)
                .containsExactly("m1000", "m1001", "m1002");
        restored.close();
    }

    /**
     * Two instances' state restored into one, and one's into two: each instance files the keys it
     * restored under their own key groups, or a retry of a key its filter never saw would pass as new.
     */
    @Test
    void rescaledItStillDropsRetries() throws Exception {
        List<AnalyticsEvent> seen = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) seen.add(analyticsTrack("m" + i, "Signed Up", "alice", 1_000));

        OperatorSubtaskState fromTwo = AbstractStreamOperatorTestHarness.repackageState(
                snapshotOf(0, 2, seen), snapshotOf(1, 2, seen));
        var merged = restored(fromTwo, 0, 1);
        assertThat(outputOf(merged, seen)).isEmpty();
        merged.close();

        OperatorSubtaskState fromOne = snapshotOf(0, 1, seen);
        for (int subtask = 0; subtask < 2; subtask++) {
            var harness = restored(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    fromOne, MAX_PARALLELISM, 1, 2, subtask), subtask, 2);
            assertThat(outputOf(harness, seen)).as("subtask %d of 2", subtask).isEmpty();
            assertThat(outputOf(harness, List.of(analyticsTrack("new-" + subtask, "Signed Up", "alice", 1_000))))
                    .hasSize(1);
            harness.close();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AnalyticsEvent, AnalyticsEvent> instance(
            int subtask, int parallelism) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new Deduplicator(TTL), AnalyticsEvent::dedupKey,
                Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.setProcessingTime(AN_HOUR_IN);
        harness.setStateTtlProcessingTime(AN_HOUR_IN);
        return harness;
    }

    private static OperatorSubtaskState snapshotOf(int subtask, int parallelism, List<AnalyticsEvent> events)
            throws Exception {
        var harness = instance(subtask, parallelism);
        harness.open();
        outputOf(harness, events);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1_000);
        harness.close();
        return snapshot;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AnalyticsEvent, AnalyticsEvent> restored(
            OperatorSubtaskState state, int subtask, int parallelism) throws Exception {
        var harness = instance(subtask, parallelism);
        harness.initializeState(state);
        harness.open();
        return harness;
    }

    /** What the instance lets through of those events whose keys it owns. */
    private static List<AnalyticsEvent> outputOf(
            KeyedOneInputStreamOperatorTestHarness<String, AnalyticsEvent, AnalyticsEvent> harness,
            List<AnalyticsEvent> events) throws Exception {
        var task = harness.getEnvironment().getTaskInfo();
        harness.getOutput().clear();
        for (AnalyticsEvent event : events) {
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(event.dedupKey(), MAX_PARALLELISM,
                    task.getNumberOfParallelSubtasks()) == task.getIndexOfThisSubtask()) {
                harness.processElement(event, event.timestampMillis());
            }
        }
        return harness.extractOutputValues();
    }
}
