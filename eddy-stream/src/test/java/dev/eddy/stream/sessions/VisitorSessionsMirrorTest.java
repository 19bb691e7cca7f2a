package dev.eddy.stream.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.funnels.FunnelDelta;
import dev.eddy.stream.funnels.SortedFunnels;
import dev.eddy.stream.funnels.SortedFunnels.Kind;
import dev.eddy.stream.funnels.SortedFunnels.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link VisitorSessions} gives the sessions of sorted input whatever its heap copy holds: with
 * room for one visitor (every other one read back from the state), for a few, for all; across a
 * restore from a checkpoint taken while the copy held unsaved spans; with visitors forgotten and
 * coming back. The funnel steps the spans keep go the same ways, and give the funnels of sorted input.
 */
class VisitorSessionsMirrorTest {

    private static final long GAP = 10_000;
    /**
     * Visitors are forgotten 30 s after their sessions ended and come back later: no visit is
     * behind the watermark here, so none can touch a forgotten session.
     */
    private static final SessionTimes TIMES = new SessionTimes(GAP, 30_000);
    private static final long START = 1_699_999_980_000L;
    private static final int VISITS = 3_000;
    private static final long OUT_OF_ORDERNESS_MS = 5_000;
    private static final Funnels FUNNELS = new Funnels(List.of(
            new Funnel("checkout", List.of(FunnelStep.page("Home"), FunnelStep.page("Product"), FunnelStep.track("Buy")))));
    private static final List<Kind> KINDS = List.of(Kind.page("Home"), Kind.page("Product"), Kind.track("Buy"),
            Kind.page("Pricing"));

    @ParameterizedTest(name = "{0}, mirror of {1}")
    @CsvSource({"hashmap, 1", "hashmap, 7", "hashmap, 50000", "rocksdb, 1", "rocksdb, 7", "rocksdb, 50000"})
    void sessionsAreThoseOfTheSortedVisitsWhateverTheMirrorHolds(String backend, int capacity) throws Exception {
        Random random = new Random(11);
        Map<String, List<Long>> times = new HashMap<>();
        Map<String, List<Step>> steps = new HashMap<>();
        List<SessionDelta> deltas = new ArrayList<>();
        List<FunnelDelta> funnelDeltas = new ArrayList<>();
        KeyedOneInputStreamOperatorTestHarness<String, Visit, SessionDelta> harness = open(backend, capacity, null);
        long newest = START;
        for (int i = 0; i < VISITS; i++) {
            // some ten minutes of visits by 20 visitors, each up to the out-of-orderness behind the newest,
            // with quiet stretches longer than the gap now and then
            long time = Math.max(START, START + i * 200L - random.nextInt((int) OUT_OF_ORDERNESS_MS));
            String visitor = "a:" + random.nextInt(random.nextInt(10) == 0 ? 20 : 8);
            Kind kind = KINDS.get(random.nextInt(KINDS.size()));
            times.computeIfAbsent(visitor, v -> new ArrayList<>()).add(time);
            steps.computeIfAbsent(visitor, v -> new ArrayList<>()).add(new Step(time, kind));
            harness.processElement(new Visit(visitor, time, kind.steps(FUNNELS)), time);
            newest = Math.max(newest, time);
            if (i % 50 == 49) harness.processWatermark(newest - OUT_OF_ORDERNESS_MS - 1);
            if (i == VISITS / 2) {
                // as a task does at every checkpoint: the operator writes its state behind
                harness.prepareSnapshotPreBarrier(1);
                OperatorSubtaskState snapshot = harness.snapshot(1, 0);
                deltas.addAll(harness.extractOutputValues());
                harness.getSideOutput(VisitorSessions.FUNNELS).forEach(record -> funnelDeltas.add(record.getValue()));
                harness.close();
                harness = open(backend, capacity, snapshot);
            }
        }
        harness.processWatermark(Long.MAX_VALUE);
        deltas.addAll(harness.extractOutputValues());
        harness.getSideOutput(VisitorSessions.FUNNELS).forEach(record -> funnelDeltas.add(record.getValue()));

        assertThat(SortedSessions.summed(deltas)).isEqualTo(SortedSessions.rows(times.values(), GAP));
        assertThat(SortedFunnels.summed(funnelDeltas))
                .containsExactlyInAnyOrderElementsOf(SortedFunnels.rows(steps.values(), GAP, FUNNELS))
                .isNotEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
        // only the heap backend can count its entries
        if (backend.equals("hashmap")) assertThat(harness.numKeyedStateEntries()).isZero();
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Visit, SessionDelta> open(
            String backend, int capacity, OperatorSubtaskState restore) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new VisitorSessions(TIMES, FUNNELS, capacity), Visit::visitorKey, Types.STRING);
        harness.setStateBackend(stateBackend(backend));
        if (restore != null) harness.initializeState(restore);
        harness.open();
        return harness;
    }

    private static StateBackend stateBackend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }
}
