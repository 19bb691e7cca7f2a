package dev.eddy.stream.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.funnels.Funnels;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VisitorSessionsTest {

    private static final long GAP = 10_000;
    private static final SessionTimes TIMES = new SessionTimes(GAP, 660_000);
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long M = 1_699_999_980_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, Visit, SessionDelta> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Visit, SessionDelta> newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new VisitorSessions(TIMES, Funnels.NONE), Visit::visitorKey, Types.STRING);
    }

    private void send(String visitor, long time) throws Exception {
        harness.processElement(new Visit(visitor, time, 0), time);
    }

    private long checkpoint;

    /** As before a checkpoint barrier: the operator hands on the changes summed so far. */
    private void handOn() throws Exception {
        harness.prepareSnapshotPreBarrier(++checkpoint);
    }

    private List<SessionDelta> drainOutput() {
        List<SessionDelta> values = harness.extractOutputValues();
        harness.getOutput().clear();
        return values;
    }

    @Test
    void countsASessionWhenItStartsAndItsFiguresWhenItEnds() throws Exception {
        send("a:1", M + 1_000);
        assertThat(drainOutput()).as("summed till handed on").isEmpty();
        handOn();
        assertThat(drainOutput()).containsExactly(new SessionDelta(M, 1, 0, 0, 0, 0, M + 1_000));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        send("a:1", M + 4_000);
        send("a:1", M + 6_000);
        handOn();
        assertThat(drainOutput()).as("going on: nothing to emit").isEmpty();
        assertThat(harness.numEventTimeTimers()).as("nor a timer").isEqualTo(1);

        harness.processWatermark(M + 6_000 + GAP);

        assertThat(drainOutput()).containsExactly(new SessionDelta(M, 0, 1, 5_000, 3, 0, M + 6_000));
    }

    @Test
    void aTimerOfASessionThatGrewComesAgainAtItsNewEnd() throws Exception {
        send("a:1", M);
        send("a:1", M + 8_000);
        handOn();
        drainOutput();

        harness.processWatermark(M + GAP);
        assertThat(drainOutput()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(M + 8_000 + GAP);
        assertThat(drainOutput()).containsExactly(new SessionDelta(M, 0, 1, 8_000, 2, 0, M + 8_000));
    }

    /** Two visitors' sessions, each of one event, started and ended: summed by minute, out before the watermark. */
    @Test
    void keepsVisitorsApartAndHandsOnTheirChangesSummedBeforeTheWatermark() throws Exception {
        send("a:1", M);
        send("u:1", M + 1_000);
        send("u:1", M + 61_000 + GAP);
        harness.processWatermark(M + 1_000 + GAP);

        assertThat(harness.getOutput()).containsExactly(
                new StreamRecord<>(new SessionDelta(M, 2, 2, 0, 2, 2, M + 1_000), M),
                new StreamRecord<>(new SessionDelta(M + 60_000, 1, 0, 0, 0, 0, M + 61_000 + GAP), M + 60_000),
                new Watermark(M + 1_000 + GAP));
    }

    @Test
    void aLateEventRetractsTheEndedSessionItTouchesAndEndsTheMergedOneAtOnce() throws Exception {
        send("a:1", M + 30_000);
        harness.processWatermark(M + 50_000);
        drainOutput();

        send("a:1", M + 21_000);
        handOn();

        assertThat(drainOutput()).containsExactly(new SessionDelta(M, 0, 0, 9_000, 1, -1, M + 30_000));
    }

    @Test
    void leavesNoStateNorTimerOnceNoEventCanTouchTheSessions() throws Exception {
        send("a:1", M);
        send("a:2", M + 30_000);
        harness.processWatermark(M + 30_000 + GAP);
        // as a task does at every checkpoint: the operator writes its state behind
        harness.prepareSnapshotPreBarrier(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

        harness.processWatermark(M + GAP + 660_000);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(M + 30_000 + GAP + 660_000);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void carriesOnAfterARestore() throws Exception {
        send("a:1", M);
        send("a:1", M + 5_000);
        harness.prepareSnapshotPreBarrier(1);
        drainOutput();
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send("a:1", M + 12_000);
        harness.processWatermark(M + 12_000 + GAP);

        assertThat(drainOutput()).containsExactly(new SessionDelta(M, 0, 1, 12_000, 3, 0, M + 12_000));
    }
}
