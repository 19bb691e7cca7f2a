package dev.eddy.stream.alerts;

import static dev.eddy.model.alerts.Alert.Kind.DROP;
import static dev.eddy.model.alerts.Alert.State.FIRING;
import static dev.eddy.model.alerts.Alert.State.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.model.alerts.Alert;
import dev.eddy.model.metrics.MinuteMetric;
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

class AnomalyDetectorTest {

    /** A 5-minute baseline (its warm-up too), 3 standard deviations, at least 10 events, judged 10 s after. */
    private static final AlertRule RULE = new AlertRule(5, 3.0, 10, Duration.ofSeconds(10));
    private static final Instant START = Instant.parse("2026-11-27T10:00:00Z");

    private KeyedOneInputStreamOperatorTestHarness<String, MinuteMetric, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MinuteMetric, Alert> newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AnomalyDetector(RULE)), MinuteMetric::event, Types.STRING);
    }

    private void finalRow(String series, int minute, long count) throws Exception {
        harness.processElement(new MinuteMetric(minute(minute), series, count, 1, true), endOf(minute));
    }

    /** As the metrics step passes it on once the minute's final rows are out, and the rule's delay. */
    private void eventTimePasses(int minute) throws Exception {
        harness.processWatermark(endOf(minute) + RULE.delay().toMillis());
    }

    private List<Alert> drainOutput() {
        List<Alert> values = harness.extractOutputValues();
        harness.getOutput().clear();
        return values;
    }

    @Test
    void minutesAreJudgedInOrderWhenEventTimePassesThemAndAMinuteWithoutARowCountedNothing() throws Exception {
        finalRow("Signed Up", 0, 25);
        finalRow("Signed Up", 1, 25);
        finalRow("Signed Up", 3, 25); // from another metrics subtask, ahead of minute 2's row
        finalRow("Signed Up", 2, 25);
        finalRow("Signed Up", 4, 25);
        finalRow("Signed Up", 6, 25); // none in minute 5
        assertThat(drainOutput()).isEmpty();

        eventTimePasses(6);

        assertThat(drainOutput()).extracting(Alert::series, Alert::minute, Alert::state, Alert::kind, Alert::count)
                .containsExactly(
                        tuple("Signed Up", minute(5), FIRING, DROP, 0L),
                        tuple("Signed Up", minute(6), RESOLVED, DROP, 25L));
    }

    @Test
    void aSeriesThatStopsDropsAndALateRowOfAJudgedMinuteChangesNothing() throws Exception {
        for (int m = 0; m < 5; m++) finalRow("Order Completed", m, 25);
        eventTimePasses(4);
        assertThat(drainOutput()).isEmpty();

        eventTimePasses(5); // no row: the series stopped

        assertThat(drainOutput()).extracting(Alert::minute, Alert::state, Alert::count)
                .containsExactly(tuple(minute(5), FIRING, 0L));
        finalRow("Order Completed", 5, 25); // an event late within the allowed lateness
        eventTimePasses(5);
        assertThat(drainOutput()).isEmpty();
        assertThat(harness.numEventTimeTimers()).as("the next minute's, to judge it if it has no row").isEqualTo(1);
    }

    @Test
    void aMinuteIsJudgedOnTheLargestCountItReachedWithinTheDelay() throws Exception {
        for (int m = 0; m < 5; m++) finalRow("Signed Up", m, 25);
        finalRow("Signed Up", 5, 4);
        harness.processWatermark(endOf(5) + 9_000);
        finalRow("Signed Up", 5, 24); // a mobile client's batch, 9 s after the minute went final
        assertThat(drainOutput()).isEmpty();

        eventTimePasses(5);

        assertThat(drainOutput()).as("24 is normal, 4 would have dropped").isEmpty();
    }

    @Test
    void atTheEndOfABoundedInputNoSilenceIsMadeUp() throws Exception {
        for (int m = 0; m < 5; m++) finalRow("Signed Up", m, 25);
        finalRow("Signed Up", 7, 25); // none in minutes 5 and 6

        harness.processWatermark(Long.MAX_VALUE);

        assertThat(drainOutput()).extracting(Alert::minute, Alert::state, Alert::count)
                .containsExactly(tuple(minute(5), FIRING, 0L), tuple(minute(7), RESOLVED, 25L));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aQuietSeriesIsForgottenStateAndTimers() throws Exception {
        for (int m = 0; m < 5; m++) finalRow("Clicked", m, 3);

        eventTimePasses(60);

        assertThat(drainOutput()).as("3 a minute is too few to drop").isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aRestoredDetectorJudgesAsTheOneBeforeWould() throws Exception {
        for (int m = 0; m < 5; m++) finalRow("Signed Up", m, 25);
        eventTimePasses(3);
        finalRow("Signed Up", 5, 2);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();

        eventTimePasses(5);

        assertThat(drainOutput()).extracting(Alert::minute, Alert::state, Alert::count)
                .containsExactly(tuple(minute(5), FIRING, 2L));
    }

    private static Instant minute(int n) {
        return START.plusSeconds(60L * n);
    }

    private static long endOf(int minute) {
        return minute(minute).toEpochMilli() + 59_999;
    }
}
