package dev.eddy.stream.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.stream.funnels.FunnelDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
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
    private static final Funnels FUNNELS = new Funnels(List.of(
            new Funnel("checkout", List.of(FunnelStep.page("Home"), FunnelStep.track("Buy")))));
    /** The same name, other steps: the definition before a change of the config. */
    private static final long OLD_DEFINITION = new Funnels(List.of(
            new Funnel("checkout", List.of(FunnelStep.page("Start"), FunnelStep.track("Buy"))))).definition(0);

    private KeyedTwoInputStreamOperatorTestHarness<Long, SessionDelta, FunnelDelta, SessionMetric> harness;

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

    static KeyedTwoInputStreamOperatorTestHarness<Long, SessionDelta, FunnelDelta, SessionMetric> newHarness()
            throws Exception {
        return newHarness(TIMES);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<Long, SessionDelta, FunnelDelta, SessionMetric> newHarness(
            SessionTimes times) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new SessionMinutes(times, FUNNELS, Duration.ofSeconds(1))),
                SessionDelta::minuteStart, FunnelDelta::minuteStart, Types.LONG);
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
        watermark(TIMES.minuteForgottenAt(M, M + 3_000));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        watermark(longer.minuteForgottenAt(M, M + 3_000));

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(drainOutput()).isEmpty();
    }

    /** Event time at {@code time} on both inputs. */
    private void watermark(long time) throws Exception {
        harness.processBothWatermarks(new Watermark(time));
    }

    private void send(SessionDelta delta) throws Exception {
        harness.processElement1(delta, delta.minuteStart());
    }

    private void send(FunnelDelta delta) throws Exception {
        harness.processElement2(delta, delta.minuteStart());
    }

    private static FunnelDelta funnel(long definition, long entered, long bought) {
        return new FunnelDelta("checkout", definition, M, new long[] {entered, bought});
    }

    private static FunnelMetric funnelRow(long entered, long bought) {
        return new FunnelMetric("checkout", MINUTE, List.of(entered, bought));
    }

    private List<FunnelMetric> drainFunnelRows() {
        List<FunnelMetric> rows = new ArrayList<>();
        var output = harness.getSideOutput(SessionMinutes.FUNNEL_ROWS);
        if (output != null) {
            for (StreamRecord<FunnelMetric> row : output) rows.add(row.getValue());
            output.clear();
        }
        return rows;
    }

    /**
     * A minute's funnel figures live as long as all its sessions, not only those that entered: a
     * session that enters late, long after the only one that had entered is over and forgotten,
     * adds to the minute's figures rather than starting them over (which the upsert would write).
     */
    @Test
    void funnelFiguresStayWithTheMinuteWhileAnyOfItsSessionsIsOpen() throws Exception {
        long definition = FUNNELS.definition(0);
        send(new SessionDelta(M, 2, 0, 0, 0, 0, M + 20_000)); // A at 10 s, B at 20 s, both open
        send(funnel(definition, 1, 0)); // A entered
        send(new SessionDelta(M, 0, 1, 0, 1, 1, M + 10_000)); // A over
        harness.setProcessingTime(1_000);
        assertThat(drainFunnelRows()).containsExactly(funnelRow(1, 0));

        watermark(TIMES.minuteForgottenAt(M, M + 10_000));
        assertThat(harness.numKeyedStateEntries()).as("B is open").isGreaterThan(0);
        send(funnel(definition, 1, 1)); // B enters and buys, much later
        harness.setProcessingTime(2_000);
        assertThat(drainFunnelRows()).containsExactly(funnelRow(2, 1));

        send(new SessionDelta(M, 0, 1, 3_600_000, 40, 0, M + 3_620_000)); // B over
        watermark(TIMES.minuteForgottenAt(M, M + 3_620_000));
        assertThat(drainFunnelRows()).as("nothing changed since").isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers() + harness.numProcessingTimeTimers()).isZero();
    }

    /** The funnel's delta may come first, on its own way here from the same change as the session's. */
    @Test
    void aFunnelDeltaBeforeItsSessionDeltaCountsAndIsEmitted() throws Exception {
        send(funnel(FUNNELS.definition(0), 1, 0));
        harness.setProcessingTime(1_000);
        assertThat(drainFunnelRows()).containsExactly(funnelRow(1, 0));
        assertThat(drainOutput()).as("no session row of nothing").isEmpty();

        send(new SessionDelta(M, 1, 1, 0, 1, 1, M + 5_000));
        watermark(TIMES.minuteForgottenAt(M, M + 5_000));
        assertThat(drainOutput()).containsExactly(new SessionMetric(MINUTE, 1, 1, 0, 1, 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /** Figures counted under another definition of the funnel (the config changed) start over, and are never emitted. */
    @Test
    void funnelFiguresOfAnotherDefinitionStartOverAndAreNeverEmitted() throws Exception {
        send(new SessionDelta(M, 2, 2, 0, 2, 2, M + 5_000));
        send(funnel(OLD_DEFINITION, 1, 1));
        harness.setProcessingTime(1_000);
        assertThat(drainFunnelRows()).as("not a funnel followed").isEmpty();

        send(funnel(FUNNELS.definition(0), 1, 0));
        harness.setProcessingTime(2_000);
        assertThat(drainFunnelRows()).containsExactly(funnelRow(1, 0));
        watermark(Long.MAX_VALUE);
        assertThat(harness.numKeyedStateEntries()).isZero();
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
        watermark(M + 59_000 + GAP + RETENTION);
        assertThat(harness.numKeyedStateEntries()).as("a session still open").isEqualTo(1);

        send(new SessionDelta(M, 0, 1, 20_000, 2, 0, M + 79_000));
        watermark(M + 79_000 + GAP + RETENTION - 1);
        assertThat(drainOutput()).isEmpty();
        watermark(M + 79_000 + GAP + RETENTION);

        assertThat(drainOutput()).containsExactly(new SessionMetric(MINUTE, 2, 2, 20_000, 3, 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void keepsAMinuteAtLeastTillItsEndAndTheRetention() throws Exception {
        send(new SessionDelta(M, 1, 1, 0, 1, 1, M));

        watermark(M + 60_000 + RETENTION - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        watermark(M + 60_000 + RETENTION);
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
