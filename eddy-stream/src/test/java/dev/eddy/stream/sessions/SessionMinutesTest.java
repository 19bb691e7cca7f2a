package dev.eddy.stream.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.sessions.SessionMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionMinutesTest {

    private static final long GAP = 10_000;
    private static final long RETENTION = 660_000;
    private static final SessionTimes TIMES = new SessionTimes(GAP, RETENTION);
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long M = 1_699_999_980_000L;
    private static final Instant MINUTE = Instant.ofEpochMilli(M);

    private KeyedOneInputStreamOperatorTestHarness<Long, SessionDelta, SessionMetric> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, SessionDelta, SessionMetric> newHarness() throws Exception {
        return newHarness(TIMES);
    }

    private static KeyedOneInputStreamOperatorTestHarness<Long, SessionDelta, SessionMetric> newHarness(SessionTimes times)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SessionMinutes(times, Duration.ofSeconds(1))), SessionDelta::minuteStart,
                Types.LONG);
    }

    @Test
    void restoredUnderALongerLatenessAMinuteIsKeptLongerAndStillDropped() throws Exception {
        send(new SessionDelta(M, 1, 1, 2_000, 2, 0, M + 3_000));
        harness.setProcessingTime(1_000);
        drainOutput();
        OperatorSubtaskState snapshot = harness.snapshot(1, 1_000);
        harness.close();
        SessionTimes longer = new SessionTimes(GAP, RETENTION + 600_000);
        harness = newHarness(longer);
        harness.setProcessingTime(1_000);
        harness.initializeState(snapshot);
        harness.open();

        // the timer of the shorter retention fires: the minute stays, and comes again
        harness.processWatermark(TIMES.minuteForgottenAt(M, M + 3_000));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(longer.minuteForgottenAt(M, M + 3_000));

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(drainOutput()).isEmpty();
    }

    private void send(SessionDelta delta) throws Exception {
        harness.processElement(delta, delta.minuteStart());
    }

    private List<SessionMetric> drainOutput() {
        List<SessionMetric> values = harness.extractOutputValues();
        harness.getOutput().clear();
        return values;
    }

    @Test
    void emitsTheMinutesWholeFiguresAtEachTickWhileTheyChange() throws Exception {
        send(new SessionDelta(M, 1, 0, 0, 0, 0, M + 1_000));
        send(new SessionDelta(M, 1, 0, 0, 0, 0, M + 2_000));
        assertThat(drainOutput()).isEmpty();

        harness.setProcessingTime(1_000);
        assertThat(drainOutput()).containsExactly(new SessionMetric(MINUTE, 2, 0, 0, 0, 0));
        harness.setProcessingTime(2_000);
        assertThat(drainOutput()).as("nothing changed").isEmpty();

        send(new SessionDelta(M, 0, 1, 4_000, 3, 0, M + 5_000));
        send(new SessionDelta(M, 0, 1, 0, 1, 1, M + 2_000));
        send(new SessionDelta(M + 60_000, 1, 0, 0, 0, 0, M + 61_000));
        harness.setProcessingTime(2_500);
        assertThat(drainOutput()).as("at most one row per interval").isEmpty();
        harness.setProcessingTime(3_000);
        assertThat(drainOutput()).containsExactlyInAnyOrder(new SessionMetric(MINUTE, 2, 2, 4_000, 4, 1),
                new SessionMetric(Instant.ofEpochMilli(M + 60_000), 1, 0, 0, 0, 0));
    }

    @Test
    void dropsAMinuteOnceItsSessionsAreOverAndNoEventCanChangeThemFlushingItsLastFigures() throws Exception {
        send(new SessionDelta(M, 1, 1, 0, 1, 1, M + 50_000));
        send(new SessionDelta(M, 1, 0, 0, 0, 0, M + 59_000));
        harness.processWatermark(M + 59_000 + GAP + RETENTION);
        assertThat(harness.numKeyedStateEntries()).as("a session still open").isEqualTo(1);

        send(new SessionDelta(M, 0, 1, 20_000, 2, 0, M + 79_000));
        harness.processWatermark(M + 79_000 + GAP + RETENTION - 1);
        assertThat(drainOutput()).isEmpty();
        harness.processWatermark(M + 79_000 + GAP + RETENTION);

        assertThat(drainOutput()).containsExactly(new SessionMetric(MINUTE, 2, 2, 20_000, 3, 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void keepsAMinuteAtLeastTillItsEndAndTheRetention() throws Exception {
        send(new SessionDelta(M, 1, 1, 0, 1, 1, M));

        harness.processWatermark(M + 60_000 + RETENTION - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(M + 60_000 + RETENTION);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void emitsWhatACheckpointHeldUnemittedAfterARestore() throws Exception {
        send(new SessionDelta(M, 1, 1, 3_000, 2, 0, M + 3_000));
        OperatorSubtaskState snapshot = harness.snapshot(1, 500);
        harness.close();

        harness = newHarness();
        harness.setProcessingTime(500);
        harness.initializeState(snapshot);
        harness.open();
        send(new SessionDelta(M, 1, 0, 0, 0, 0, M + 20_000));
        harness.setProcessingTime(1_000);

        assertThat(drainOutput()).containsExactly(new SessionMetric(MINUTE, 2, 1, 3_000, 2, 0));
    }
}
