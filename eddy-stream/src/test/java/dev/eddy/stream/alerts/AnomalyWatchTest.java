package dev.eddy.stream.alerts;

import static dev.eddy.model.alerts.Alert.Kind.DROP;
import static dev.eddy.model.alerts.Alert.Kind.SPIKE;
import static dev.eddy.model.alerts.Alert.State.FIRING;
import static dev.eddy.model.alerts.Alert.State.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.model.alerts.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyWatchTest {

    /** A 5-minute baseline, 3 standard deviations, at least 10 events; the warm-up is the whole baseline. */
    private static final AlertRule RULE = new AlertRule(5, 3.0, 10, Duration.ZERO);
    /** 2026-11-27T10:00:00Z in minutes since the epoch. */
    private static final long START = Instant.parse("2026-11-27T10:00:00Z").getEpochSecond() / 60;

    private final AnomalyWatch watch = AnomalyWatch.after(START - 1);

    private List<Alert> judge(long... counts) {
        List<Alert> alerts = new ArrayList<>();
        for (long count : counts) alerts.addAll(watch.judge("Signed Up", count, RULE));
        return alerts;
    }

    @Test
    void theBandIsTheMeanPlusOrMinusThresholdDeviationsNeverNarrowerThanPoisson() {
        // 90 and 110: mean 100, sample deviation √((10² + 10²) / 1) = 14.14, so 3σ = 42.43
        assertThat(RULE.band(new long[] {90, 110})).satisfies(band -> {
            assertThat(band.expected()).isEqualTo(100.0);
            assertThat(band.low()).isCloseTo(57.57, offset(0.01));
            assertThat(band.high()).isCloseTo(142.43, offset(0.01));
        });
        // steady at 25: √25 = 5, not 0
        assertThat(RULE.band(new long[] {25, 25, 25})).isEqualTo(new AlertRule.Band(25.0, 10.0, 40.0));
        // never below 0, nor below 1 when every minute had events
        assertThat(RULE.band(new long[] {0, 8}).low()).isZero();
        assertThat(RULE.band(new long[] {4, 4}).low()).isEqualTo(1.0);
    }

    @Test
    void nothingIsJudgedDuringTheWarmUp() {
        assertThat(judge(25, 25, 25, 25)).isEmpty();
        assertThat(watch.baseline).containsExactly(25, 25, 25, 25);
        assertThat(judge(25, 1000)).extracting(Alert::state, Alert::kind).containsExactly(tuple(FIRING, SPIKE));
    }

    @Test
    void aDropFiresOnceWhileItLastsAndResolvesWhenTheCountIsBack() {
        List<Alert> alerts = judge(25, 25, 25, 25, 25, 3, 0, 2, 24);
        assertThat(alerts).containsExactly(
                new Alert("Signed Up", minute(5), FIRING, DROP, 3, 25.0, 10.0, 40.0,
                        "Signed Up: 3 in the minute from 2026-11-27T10:05:00Z, below the normal 10.0 to 40.0 (expected 25.0)"),
                new Alert("Signed Up", minute(8), RESOLVED, DROP, 24, 25.0, 10.0, 40.0,
                        "Signed Up: 24 in the minute from 2026-11-27T10:08:00Z, back within the normal 10.0 to 40.0 (the drop is over)"));
        assertThat(watch.baseline).as("the anomalous minutes stay out").containsExactly(25, 25, 25, 25, 24);
        assertThat(watch.firing).isNull();
        assertThat(watch.lastMinute).isEqualTo(START + 8);
    }

    @Test
    void aSpikeThatTurnsIntoADropResolvesThenFires() {
        assertThat(judge(25, 25, 25, 25, 25, 90, 0)).extracting(Alert::minute, Alert::state, Alert::kind).containsExactly(
                tuple(minute(5), FIRING, SPIKE),
                tuple(minute(6), RESOLVED, SPIKE),
                tuple(minute(6), FIRING, DROP));
    }

    @Test
    void aWholeBaselineOfAnomaliesBecomesTheNewNormal() {
        List<Alert> alerts = judge(25, 25, 25, 25, 25, 100, 100, 100, 100, 100, 100);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1)).isEqualTo(new Alert("Signed Up", minute(9), RESOLVED, SPIKE, 100, 100.0, 70.0, 130.0,
                "Signed Up: 5 minutes in a row outside the normal band, up to the minute from 2026-11-27T10:09:00Z:"
                        + " their level, 100.0 a minute, is the new normal"));
        assertThat(watch.baseline).containsExactly(100, 100, 100, 100, 100);
        assertThat(judge(100)).as("then a minute of 100 is normal").isEmpty();
    }

    @Test
    void aMinuteOfNothingDropsWhereEveryBaselineMinuteHadEvents() {
        // mean 12, deviation 4: 12 ± 3·4 reaches 0, yet 0 is a drop of a series that never lacked events
        assertThat(fresh(8, 16, 8, 16, 12, 0)).extracting(Alert::kind, Alert::low).containsExactly(tuple(DROP, 1.0));
        assertThat(fresh(12, 0, 12, 24, 12, 0)).as("one that had a minute of none before").isEmpty();
    }

    @Test
    void fewEventsNeverAlert() {
        assertThat(judge(4, 4, 4, 4, 4, 0)).as("a mean of 4 cannot drop").isEmpty();
        // steady at 2: the band is 2 ± 3·√2, up to 6.24
        assertThat(fresh(2, 2, 2, 2, 2, 9)).as("9 is above the band but below minCount").isEmpty();
        assertThat(fresh(2, 2, 2, 2, 2, 10)).extracting(Alert::kind).containsExactly(SPIKE);
    }

    private static List<Alert> fresh(long... counts) {
        AnomalyWatch other = AnomalyWatch.after(START - 1);
        List<Alert> alerts = new ArrayList<>();
        for (long count : counts) alerts.addAll(other.judge("Clicked", count, RULE));
        return alerts;
    }

    @Test
    void aSeriesQuietForItsWarmUpWithNothingFiringIsForgotten() {
        judge(4, 4, 4, 4, 4, 0, 0, 0, 0);
        assertThat(watch.forgettable(RULE)).isFalse();
        judge(0);
        assertThat(watch.forgettable(RULE)).isTrue();

        AnomalyWatch dropping = AnomalyWatch.after(START - 1);
        for (long count : new long[] {50, 50, 50, 50, 50, 0, 0, 0, 0, 0}) dropping.judge("Order Completed", count, RULE);
        assertThat(dropping.firing).as("its drop became the new normal").isNull();
        assertThat(dropping.forgettable(RULE)).isTrue();
    }

    private static Instant minute(int n) {
        return Instant.ofEpochSecond((START + n) * 60);
    }
}
