package dev.eddy.stream.funnels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.sessions.SessionTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FunnelMinutesTest {

    private static final SessionTimes TIMES = new SessionTimes(10_000, 660_000);
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long M = 1_699_999_980_000L;
    private static final Funnel CHECKOUT = new Funnel("checkout", List.of(FunnelStep.page("Home"), FunnelStep.track("Buy")));
    private static final Funnels FUNNELS = new Funnels(List.of(CHECKOUT));
    private static final long DEFINITION = FUNNELS.definition(0);
    /** The same name, other steps: the definition before a change of the config. */
    private static final long OLD_DEFINITION = new Funnels(List.of(
            new Funnel("checkout", List.of(FunnelStep.page("Start"), FunnelStep.track("Buy"))))).definition(0);

    private KeyedOneInputStreamOperatorTestHarness<String, FunnelDelta, FunnelMetric> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FunnelMinutes(TIMES, FUNNELS, Duration.ofSeconds(1))), FunnelDelta::key,
                Types.STRING);
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void emitsTheWholeRowOnceASecondWhenChangedAndDropsItWhenNothingCanChangeIt() throws Exception {
        send(delta(DEFINITION, 1, 0, 0, M + 1_000));
        send(delta(DEFINITION, 1, 1, 0, M + 2_000));
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(1_000);
        assertThat(harness.extractOutputValues()).containsExactly(row(2, 1));

        // both sessions over: the minute is kept until no accepted event can touch them
        send(delta(DEFINITION, 0, 0, 2, M + 2_000));
        harness.processWatermark(TIMES.minuteForgottenAt(M, M + 2_000) - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(TIMES.minuteForgottenAt(M, M + 2_000));

        assertThat(harness.extractOutputValues()).containsExactly(row(2, 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers() + harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aMinuteWithASessionOpenIsKeptPastItsTime() throws Exception {
        send(delta(DEFINITION, 1, 0, 0, M + 1_000));
        harness.processWatermark(TIMES.minuteForgottenAt(M, M + 1_000));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        // its end comes with a later last event, and sets the time it is dropped
        send(delta(DEFINITION, 0, 1, 1, M + 500_000));
        harness.processWatermark(TIMES.minuteForgottenAt(M, M + 500_000));
        assertThat(harness.extractOutputValues()).last().isEqualTo(row(1, 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void figuresOfAnEarlierDefinitionStartOverAndAreNeverEmittedAgain() throws Exception {
        send(delta(OLD_DEFINITION, 1, 1, 0, M + 1_000));
        send(delta(DEFINITION, 1, 0, 1, M + 2_000));
        harness.setProcessingTime(1_000);
        assertThat(harness.extractOutputValues()).containsExactly(row(1, 0));

        harness.close();
        open();
        send(delta(OLD_DEFINITION, 1, 1, 0, M + 1_000));
        harness.setProcessingTime(1_000);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues()).as("a funnel since redefined").isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    private void send(FunnelDelta delta) throws Exception {
        harness.processElement(delta, delta.minuteStart());
    }

    private static FunnelDelta delta(long definition, long entered, long bought, long ended, long latestEnd) {
        return new FunnelDelta("checkout", definition, M, new long[] {entered, bought}, ended, latestEnd);
    }

    private static FunnelMetric row(long entered, long bought) {
        return new FunnelMetric("checkout", Instant.ofEpochMilli(M), List.of(entered, bought));
    }
}
