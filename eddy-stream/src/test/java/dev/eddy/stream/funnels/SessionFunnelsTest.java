package dev.eddy.stream.funnels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.sessions.SessionSpans;
import dev.eddy.stream.sessions.SessionTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
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
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long M = 1_699_999_980_000L;
    private static final Funnels FUNNELS = new Funnels(List.of(
            new Funnel("shop", List.of(FunnelStep.page("Home"), FunnelStep.page("Product"), FunnelStep.track("Added"))),
            new Funnel("signup", List.of(FunnelStep.page("Home"), FunnelStep.track("Signed Up")))));
    /** What the random visitor does: the first four are steps, the last is of none. */
    private static final List<Kind> KINDS = List.of(new Kind(EventType.PAGE, null, "Home"),
            new Kind(EventType.SCREEN, null, "Product"), new Kind(EventType.TRACK, "Added", null),
            new Kind(EventType.TRACK, "Signed Up", null), new Kind(EventType.PAGE, null, "Pricing"));

    private record Kind(EventType type, String event, String name) {
        long bits() {
            return FUNNELS.stepsOf(type, event, name);
        }
    }

    private record Visit(long time, Kind kind) {}

    private SessionSpans spans;

    @Test
    void stepsCountInOrderWithinASessionWhateverOrderTheyArriveIn() {
        List<Visit> visits = List.of(visit(2_000, 1), visit(1_000, 0), visit(3_000, 2), visit(30_000, 1));
        List<FunnelDelta> deltas = run(visits, new Random(1), false);

        // the first session walks Home, Product, Added; the second, alone, only views a product
        assertThat(summed(deltas)).containsExactlyInAnyOrder(
                new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 1L, 1L)),
                new FunnelMetric("signup", Instant.ofEpochMilli(M), List.of(1L, 0L)));
    }

    @Test
    void stepsOfOneMillisecondCountInTheStepsOrder() {
        List<Visit> visits = List.of(visit(5_000, 2), visit(5_000, 1), visit(5_000, 0));
        assertThat(summed(run(visits, new Random(2), false)))
                .contains(new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 1L, 1L)));
    }

    @Test
    void aStepBeforeTheOneItFollowsDoesNotCount() {
        List<Visit> visits = List.of(visit(1_000, 1), visit(2_000, 0), visit(3_000, 2));
        assertThat(summed(run(visits, new Random(3), false)))
                .contains(new FunnelMetric("shop", Instant.ofEpochMilli(M), List.of(1L, 0L, 0L)));
    }

    /** 500 visitors of random steps in random order, event time moving on at random, through the timers asked for. */
    @Test
    void theFiguresAreThoseOfTheSortedSessionsWhateverTheOrder() {
        Random random = new Random(17);
        for (int round = 0; round < 500; round++) {
            List<Visit> visits = new ArrayList<>();
            int n = 1 + random.nextInt(12);
            // whole seconds, so that some events share a millisecond
            for (int i = 0; i < n; i++) visits.add(visit(random.nextInt(180) * 1_000L, random.nextInt(KINDS.size())));
            List<FunnelMetric> expected = sortedTruth(visits);
            Collections.shuffle(visits, random);

            assertThat(summed(run(visits, random, true))).as("round %d: %s", round, visits)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(spans.isEmpty()).isTrue();
        }
    }

    /** Spans restored under other funnels keep what they counted and count no more, nor do spans they join. */
    @Test
    void spansKeptUnderOtherFunnelsAreFrozen() {
        spans = SessionSpans.none(FUNNELS);
        List<FunnelDelta> deltas = new ArrayList<>();
        deltas.addAll(spans.add(M + 1_000, KINDS.get(0).bits(), Long.MIN_VALUE, TIMES, FUNNELS).funnelDeltas());
        spans = spans.add(M + 1_000, KINDS.get(0).bits(), Long.MIN_VALUE, TIMES, FUNNELS).spans();
        Funnels changed = new Funnels(List.of(FUNNELS.get(0)));

        SessionSpans restored = spans.under(changed);
        assertThat(restored.frozen()).containsExactly(true);
        assertThat(restored.stepTimes()).isEmpty();
        SessionSpans.Change next = restored.add(M + 2_000, changed.stepsOf(EventType.PAGE, null, "Product"),
                Long.MIN_VALUE, TIMES, changed);
        assertThat(next.funnelDeltas()).isEmpty();
        assertThat(next.spans().advance(Long.MAX_VALUE, TIMES, changed).funnelDeltas()).isEmpty();
        assertThat(spans.under(FUNNELS)).isSameAs(spans);
    }

    private static Visit visit(long offset, int kind) {
        return new Visit(M + offset, KINDS.get(kind));
    }

    /** Adds the visits in the order given; with {@code moving}, event time moves on at random and fires the timers asked for. */
    private List<FunnelDelta> run(List<Visit> visits, Random random, boolean moving) {
        spans = SessionSpans.none(FUNNELS);
        List<FunnelDelta> deltas = new ArrayList<>();
        TreeSet<Long> timers = new TreeSet<>();
        long watermark = moving ? M : Long.MIN_VALUE;
        for (Visit visit : visits) {
            if (moving) watermark += random.nextInt(30_000);
            fireTimersUpTo(watermark, timers, deltas);
            SessionSpans.Change change = spans.add(visit.time(), visit.kind().bits(), watermark, TIMES, FUNNELS);
            spans = change.spans();
            deltas.addAll(change.funnelDeltas());
            if (change.timer() != SessionSpans.NO_TIMER) timers.add(change.timer());
        }
        fireTimersUpTo(Long.MAX_VALUE, timers, deltas);
        return deltas;
    }

    private void fireTimersUpTo(long watermark, TreeSet<Long> timers, List<FunnelDelta> deltas) {
        while (!timers.isEmpty() && timers.first() <= watermark) {
            timers.pollFirst();
            SessionSpans.Change change = spans.advance(watermark, TIMES, FUNNELS);
            spans = change.spans();
            deltas.addAll(change.funnelDeltas());
            if (change.timer() != SessionSpans.NO_TIMER) timers.add(change.timer());
        }
    }

    /** The rows the deltas add up to; rows of nothing left out, every session over. */
    private static List<FunnelMetric> summed(List<FunnelDelta> deltas) {
        Map<String, FunnelDelta> byKey = new HashMap<>();
        for (FunnelDelta delta : deltas) byKey.merge(delta.key(), delta, FunnelDelta::plus);
        return byKey.values().stream().filter(total -> total.reached()[0] != 0).map(FunnelDelta::row).toList();
    }

    /** The definition, on the visits sorted and split at the gap. */
    private static List<FunnelMetric> sortedTruth(List<Visit> visits) {
        List<Visit> sorted = new ArrayList<>(visits);
        sorted.sort(Comparator.comparingLong(Visit::time));
        Map<String, long[]> rows = new HashMap<>();
        int first = 0;
        for (int i = 1; i <= sorted.size(); i++) {
            if (i < sorted.size() && sorted.get(i).time() - sorted.get(i - 1).time() <= GAP) continue;
            List<Visit> session = sorted.subList(first, i);
            long minute = session.get(0).time() - Math.floorMod(session.get(0).time(), 60_000L);
            for (Funnel funnel : FUNNELS.list()) {
                List<Funnel.Step> steps = session.stream().map(v -> new Funnel.Step(stepOf(funnel, v.kind()), v.time())).toList();
                int reached = funnel.reached(steps);
                long[] row = rows.computeIfAbsent(funnel.name() + "@" + minute, k -> new long[funnel.steps().size()]);
                for (int s = 0; s < reached; s++) row[s]++;
            }
            first = i;
        }
        List<FunnelMetric> out = new ArrayList<>();
        rows.forEach((key, reached) -> {
            if (reached[0] == 0) return;
            String[] parts = key.split("@");
            out.add(new FunnelMetric(parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1])),
                    java.util.Arrays.stream(reached).boxed().toList()));
        });
        return out;
    }

    private static int stepOf(Funnel funnel, Kind kind) {
        for (int s = 0; s < funnel.steps().size(); s++) {
            if (funnel.steps().get(s).matches(kind.type(), kind.event(), kind.name())) return s;
        }
        return -1;
    }
}
