package dev.eddy.stream.funnels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.funnels.SortedFunnels.Kind;
import dev.eddy.stream.funnels.SortedFunnels.Step;
import dev.eddy.stream.sessions.SessionSpans;
import dev.eddy.stream.sessions.SessionTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The funnels' figures as {@link SessionSpans} counts them, against the definition
 * ({@link Funnel#reached}) applied to each visitor's sorted events split at the gap.
 */
class SessionFunnelsTest {

    private static final long GAP = 10_000;
    private static final SessionTimes TIMES = new SessionTimes(GAP, 660_000);
    /** Sessions forgotten 20 s after they end, while the visitor's later ones go on. */
    private static final SessionTimes SHORT_RETENTION = new SessionTimes(GAP, 20_000);
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long M = 1_699_999_980_000L;
    private static final Funnels FUNNELS = new Funnels(List.of(
            new Funnel("shop", List.of(FunnelStep.page("Home"), FunnelStep.page("Product"), FunnelStep.track("Added"))),
            new Funnel("signup", List.of(FunnelStep.page("Home"), FunnelStep.track("Signed Up")))));
    /** What the random visitor does: the first four are steps, the last is of none. */
    private static final List<Kind> KINDS = List.of(Kind.page("Home"), new Kind(EventType.SCREEN, null, "Product"),
            Kind.track("Added"), Kind.track("Signed Up"), Kind.page("Pricing"));

    private SessionSpans spans;

    @Test
    void stepsCountInOrderWithinASessionWhateverOrderTheyArriveIn() {
        List<Step> visits = List.of(step(2_000, 1), step(1_000, 0), step(3_000, 2), step(30_000, 1));

        // the first session walks Home, Product, Added; the second, alone, only views a product
        assertThat(SortedFunnels.summed(run(visits, new Random(1), TIMES, false))).containsExactlyInAnyOrder(
                new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 1L, 1L)),
                new FunnelMetric("signup", Instant.ofEpochMilli(M), List.of(1L, 0L)));
    }

    @Test
    void stepsOfOneMillisecondCountInTheStepsOrder() {
        List<Step> visits = List.of(step(5_000, 2), step(5_000, 1), step(5_000, 0));
        assertThat(SortedFunnels.summed(run(visits, new Random(2), TIMES, false)))
                .contains(new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 1L, 1L)));
    }

    @Test
    void aStepBeforeTheOneItFollowsDoesNotCount() {
        List<Step> visits = List.of(step(1_000, 1), step(2_000, 0), step(3_000, 2));
        assertThat(SortedFunnels.summed(run(visits, new Random(3), TIMES, false)))
                .contains(new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 0L, 0L)));
    }

    /**
     * 500 visitors of random steps in random order, event time moving on at random through the
     * timers asked for; with a retention of minutes, and of 20 s, which forgets sessions (and
     * their steps) while the visitor's later ones go on, and settles step events as they fall
     * behind the earliest time an event may still have.
     */
    @Test
    void theFiguresAreThoseOfTheSortedSessionsWhateverTheOrder() {
        for (SessionTimes times : List.of(TIMES, SHORT_RETENTION)) {
            Random random = new Random(17);
            for (int round = 0; round < 500; round++) {
                List<Step> visits = new ArrayList<>();
                int n = 1 + random.nextInt(12);
                // whole seconds, so that some events share a millisecond
                for (int i = 0; i < n; i++) visits.add(step(random.nextInt(180) * 1_000L, random.nextInt(KINDS.size())));
                List<FunnelMetric> expected = SortedFunnels.rows(List.of(visits), GAP, FUNNELS);
                // with the short retention, up to 30 s out of order, as the watermark lets none be late
                if (times == SHORT_RETENTION) {
                    Map<Step, Long> arrival = new IdentityHashMap<>();
                    for (Step visit : visits) arrival.put(visit, visit.time() + random.nextInt(30_000));
                    visits.sort(Comparator.comparing(arrival::get));
                } else {
                    Collections.shuffle(visits, random);
                }

                assertThat(SortedFunnels.summed(run(visits, random, times, true))).as("round %d: %s", round, visits)
                        .containsExactlyInAnyOrderElementsOf(expected);
                assertThat(spans.isEmpty()).isTrue();
            }
        }
    }

    /** A visitor coming back to steps it took keeps only the step events that may still count, and its figures. */
    @Test
    void stepsTakenAgainLaterAreNotKept() {
        List<Step> visits = new ArrayList<>(List.of(step(1_000, 0), step(2_000, 1), step(3_000, 2)));
        for (int i = 0; i < 100; i++) visits.add(step(4_000 + i * 1_000L, i % 3));
        visits.add(step(500, 3)); // signed up before the home page: it may count once an earlier Home comes

        spans = SessionSpans.none(FUNNELS);
        List<FunnelDelta> deltas = new ArrayList<>();
        for (Step visit : visits) deltas.addAll(add(visit, Long.MIN_VALUE, TIMES).funnelDeltas());

        assertThat(spans.stepTimes()).containsExactly(M + 500, M + 1_000, M + 2_000, M + 3_000);
        assertThat(SortedFunnels.summed(deltas)).containsExactlyInAnyOrderElementsOf(SortedFunnels.rows(List.of(visits), GAP, FUNNELS));
        add(step(100, 0), Long.MIN_VALUE, TIMES);
        assertThat(spans.stepTimes()).as("an earlier home page takes it for both funnels")
                .containsExactly(M + 100, M + 500, M + 2_000, M + 3_000);
    }

    /**
     * A step's events before the one that took it may yet count, while an earlier event of the
     * step before may still come: here a product view before the home page, then the home page
     * and another product view, then "Added" between the two: the shop funnel stops at the
     * product until an earlier home page makes the first product view and "Added" count.
     */
    @Test
    void aStepsEarlierEventsAreKeptWhileTheStepBeforeMayStillBeTakenEarlier() {
        List<Step> visits = List.of(step(10_000, 1), step(20_000, 0), step(30_000, 1), step(15_000, 2), step(5_000, 0));
        spans = SessionSpans.none(FUNNELS);
        List<FunnelDelta> deltas = new ArrayList<>();
        for (Step visit : visits.subList(0, 4)) deltas.addAll(add(visit, M, TIMES).funnelDeltas());
        assertThat(SortedFunnels.summed(deltas)).contains(new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 1L, 0L)));

        deltas.addAll(add(visits.get(4), M, TIMES).funnelDeltas());
        assertThat(SortedFunnels.summed(deltas)).containsExactlyInAnyOrderElementsOf(SortedFunnels.rows(List.of(visits), GAP, FUNNELS))
                .contains(new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 1L, 1L)));
    }

    /**
     * A visitor sending events of a step it never reaches, all in one long session, keeps only
     * those an event still to come could make count: the ones no earlier than it may be.
     */
    @Test
    void stepsNotReachedAreKeptOnlyWhileAnEarlierStepMayStillCome() {
        spans = SessionSpans.none(FUNNELS);
        List<Step> visits = new ArrayList<>();
        List<FunnelDelta> deltas = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        for (int i = 0; i < 2_000; i++) {
            visits.add(step(i * 1_000L, 2)); // "Added" without "Home" or "Product", a second apart
            watermark = M + i * 1_000L - 1_000;
            deltas.addAll(add(visits.get(i), watermark, TIMES).funnelDeltas());
        }
        long earliestToCome = TIMES.earliestToCome(watermark);
        assertThat(spans.size()).isEqualTo(1);
        assertThat(earliestToCome).isEqualTo(M + 1_338_001);
        assertThat(spans.stepTimes()).as("those of the last 661 s").hasSize(661).startsWith(M + 1_339_000).endsWith(M + 1_999_000);

        // as early as they may still come, a home page and a product before the earliest "Added" kept
        visits.add(new Step(earliestToCome, KINDS.get(0)));
        visits.add(new Step(earliestToCome + 1, KINDS.get(1)));
        for (Step visit : visits.subList(visits.size() - 2, visits.size())) deltas.addAll(add(visit, watermark, TIMES).funnelDeltas());

        assertThat(SortedFunnels.summed(deltas)).containsExactlyInAnyOrderElementsOf(SortedFunnels.rows(List.of(visits), GAP, FUNNELS))
                .contains(new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 1L, 1L)));
        assertThat(spans.stepTimes()).as("the three steps taken, each settled only once event time passes it")
                .containsExactly(earliestToCome, earliestToCome + 1, M + 1_339_000);
    }

    /**
     * Spans restored under other funnels keep what they counted and count no more; a new span
     * joining one of them takes back what it had counted and counts no more either.
     */
    @Test
    void spansKeptUnderOtherFunnelsAreFrozen() {
        spans = SessionSpans.none(FUNNELS).add(M + 1_000, KINDS.get(0).steps(FUNNELS), Long.MIN_VALUE, TIMES, FUNNELS).spans();
        Funnels changed = new Funnels(List.of(FUNNELS.get(0)));

        SessionSpans restored = spans.under(changed);
        assertThat(restored.frozen()).containsExactly(true);
        assertThat(restored.stepTimes()).isEmpty();
        assertThat(spans.under(FUNNELS)).isSameAs(spans);

        SessionSpans.Change product = restored.add(M + 2_000, KINDS.get(1).steps(changed), Long.MIN_VALUE, TIMES, changed);
        assertThat(product.funnelDeltas()).isEmpty();
        // a new session 30 s on enters, then an event between the two joins them
        SessionSpans.Change later = product.spans().add(M + 22_000, KINDS.get(0).steps(changed), Long.MIN_VALUE, TIMES, changed);
        assertThat(SortedFunnels.summed(later.funnelDeltas()))
                .containsExactly(new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 0L, 0L)));
        SessionSpans.Change joined = later.spans().add(M + 12_000, 0, Long.MIN_VALUE, TIMES, changed);
        assertThat(joined.funnelDeltas()).containsExactly(
                new FunnelDelta("shop", changed.definition(0), M, new long[] {-1, 0, 0}));
        assertThat(joined.spans().frozen()).containsExactly(true);
    }

    /** Adds the visit to the spans; what it changed. */
    private SessionSpans.Change add(Step visit, long watermark, SessionTimes times) {
        SessionSpans.Change change = spans.add(visit.time(), visit.kind().steps(FUNNELS), watermark, times, FUNNELS);
        spans = change.spans();
        return change;
    }

    private static Step step(long offset, int kind) {
        return new Step(M + offset, KINDS.get(kind));
    }

    /** Adds the visits in the order given; with {@code moving}, event time moves on at random and fires the timers asked for. */
    private List<FunnelDelta> run(List<Step> visits, Random random, SessionTimes times, boolean moving) {
        spans = SessionSpans.none(FUNNELS);
        List<FunnelDelta> deltas = new ArrayList<>();
        TreeSet<Long> timers = new TreeSet<>();
        long watermark = moving ? M : Long.MIN_VALUE;
        long[] earliestLeft = new long[visits.size() + 1];
        earliestLeft[visits.size()] = Long.MAX_VALUE;
        for (int i = visits.size() - 1; i >= 0; i--) earliestLeft[i] = Math.min(visits.get(i).time(), earliestLeft[i + 1]);
        for (int i = 0; i < visits.size(); i++) {
            Step visit = visits.get(i);
            if (moving) watermark += random.nextInt(30_000);
            // with the short retention, never so far that a visit still to come would be late
            if (times == SHORT_RETENTION) watermark = Math.min(watermark, earliestLeft[i] + times.retentionMs() - 1);
            assertThat(times.earliestToCome(watermark)).isLessThanOrEqualTo(visit.time());
            fireTimersUpTo(watermark, timers, times);
            SessionSpans.Change change = add(visit, watermark, times);
            deltas.addAll(change.funnelDeltas());
            if (change.timer() != SessionSpans.NO_TIMER) timers.add(change.timer());
        }
        fireTimersUpTo(Long.MAX_VALUE, timers, times);
        return deltas;
    }

    private void fireTimersUpTo(long watermark, TreeSet<Long> timers, SessionTimes times) {
        while (!timers.isEmpty() && timers.first() <= watermark) {
            timers.pollFirst();
            SessionSpans.Change change = spans.advance(watermark, times);
            spans = change.spans();
            assertThat(change.funnelDeltas()).as("a session's end changes no funnel figure").isEmpty();
            if (change.timer() != SessionSpans.NO_TIMER) timers.add(change.timer());
        }
    }
}
