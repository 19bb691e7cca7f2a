package dev.eddy.stream.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.sessions.SessionMetric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SessionSpansTest {

    private static final long GAP = 10_000;
    /** 10 min of lateness and the minute. */
    private static final long RETENTION = 660_000;
    private static final SessionTimes TIMES = new SessionTimes(GAP, RETENTION);
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long M = 1_699_999_980_000L;
    private static final long NEXT_M = M + 60_000;
    private static final long NO_WATERMARK = Long.MIN_VALUE;

    private SessionSpans spans = SessionSpans.NONE;

    private SessionSpans.Change add(long time, long watermark) {
        SessionSpans.Change change = spans.add(time, 0, watermark, TIMES, Funnels.NONE);
        spans = change.spans();
        return change;
    }

    private SessionSpans.Change advance(long watermark) {
        SessionSpans.Change change = spans.advance(watermark, TIMES);
        spans = change.spans();
        return change;
    }

    /** Spans of no funnels. */
    private static SessionSpans spans(long[] firsts, long[] lasts, int[] events, boolean[] ended) {
        return new SessionSpans(firsts, lasts, events, ended, 0, new boolean[firsts.length], new long[0], new long[0]);
    }

    private static SessionDelta delta(long minute, long sessions, long ended, long length, long events, long bounces,
                                      long latestEnd) {
        return new SessionDelta(minute, sessions, ended, length, events, bounces, latestEnd);
    }

    @Test
    void anInOrderEventGoesOnWithTheOpenSessionWithoutDeltaOrTimer() {
        SessionSpans.Change first = add(M + 1_000, NO_WATERMARK);
        assertThat(first.deltas()).containsExactly(delta(M, 1, 0, 0, 0, 0, M + 1_000));
        assertThat(first.timer()).isEqualTo(M + 1_000 + GAP);

        SessionSpans.Change next = add(M + 5_000, M);

        assertThat(next.deltas()).isEmpty();
        assertThat(next.timer()).isEqualTo(SessionSpans.NO_TIMER);
        assertThat(spans).isEqualTo(spans(new long[] {M + 1_000}, new long[] {M + 5_000}, new int[] {2}, new boolean[] {false}));
    }

    @Test
    void anEventExactlyTheGapAfterTheLastJoinsAndOneMoreSplits() {
        add(M, NO_WATERMARK);
        assertThat(add(M + GAP, NO_WATERMARK).deltas()).as("= gap: the same session").isEmpty();

        SessionSpans.Change split = add(M + 2 * GAP + 1, NO_WATERMARK);

        assertThat(split.deltas()).containsExactly(delta(M, 1, 0, 0, 0, 0, M + 2 * GAP + 1));
        assertThat(split.timer()).isEqualTo(M + 3 * GAP + 1);
        assertThat(spans).isEqualTo(spans(new long[] {M, M + 2 * GAP + 1}, new long[] {M + GAP, M + 2 * GAP + 1},
                new int[] {2, 1}, new boolean[] {false, false}));
    }

    @Test
    void outOfOrderEventsMergeSpansIntoOneStartingInAnEarlierMinute() {
        add(NEXT_M + 1_000, NO_WATERMARK);
        add(NEXT_M + 14_000, NO_WATERMARK);
        assertThat(spans.size()).as("13 s apart").isEqualTo(2);

        // 6 s before the first: it now starts in the minute before
        SessionSpans.Change earlier = add(NEXT_M - 5_000, NO_WATERMARK);
        assertThat(earlier.deltas()).containsExactly(
                delta(NEXT_M, -1, 0, 0, 0, 0, NEXT_M + 1_000), delta(M, 1, 0, 0, 0, 0, NEXT_M + 1_000));
        assertThat(earlier.timer()).as("the open part's timer serves").isEqualTo(SessionSpans.NO_TIMER);

        // within the gap of both: one session
        SessionSpans.Change bridge = add(NEXT_M + 7_000, NO_WATERMARK);
        assertThat(bridge.deltas()).containsExactly(delta(NEXT_M, -1, 0, 0, 0, 0, NEXT_M + 14_000));
        assertThat(bridge.timer()).isEqualTo(SessionSpans.NO_TIMER);
        assertThat(spans).isEqualTo(spans(new long[] {NEXT_M - 5_000}, new long[] {NEXT_M + 14_000}, new int[] {4},
                new boolean[] {false}));

        assertThat(advance(NEXT_M + 14_000 + GAP).deltas())
                .containsExactly(delta(M, 0, 1, 19_000, 4, 0, NEXT_M + 14_000));
    }

    @Test
    void aSessionOfOneEventIsABounceOnceOver() {
        add(M + 3_000, NO_WATERMARK);

        assertThat(advance(M + 3_000 + GAP - 1).deltas()).isEmpty();
        SessionSpans.Change over = advance(M + 3_000 + GAP);

        assertThat(over.deltas()).containsExactly(delta(M, 0, 1, 0, 1, 1, M + 3_000));
        assertThat(over.timer()).as("then forgotten").isEqualTo(M + 3_000 + GAP + RETENTION);
    }

    @Test
    void aLateEventTouchingAnEndedSessionTakesBackItsFiguresAndReopensIt() {
        add(M, NO_WATERMARK);
        add(M + 5_000, NO_WATERMARK);
        assertThat(advance(M + 5_000 + GAP).deltas()).containsExactly(delta(M, 0, 1, 5_000, 2, 0, M + 5_000));

        // at M + 20 s, an event of M + 12 s: the session ends again at M + 22 s
        SessionSpans.Change reopened = add(M + 12_000, M + 20_000);
        assertThat(reopened.deltas()).containsExactly(delta(M, 0, -1, -5_000, -2, 0, M + 12_000));
        assertThat(reopened.timer()).isEqualTo(M + 22_000);
        assertThat(advance(M + 22_000).deltas()).containsExactly(delta(M, 0, 1, 12_000, 3, 0, M + 12_000));

        // at M + 30 s, an event of M + 14 s: over at once
        SessionSpans.Change overAtOnce = add(M + 14_000, M + 30_000);
        assertThat(overAtOnce.deltas()).containsExactly(delta(M, 0, 0, 2_000, 1, 0, M + 14_000));
        assertThat(overAtOnce.timer()).isEqualTo(M + 14_000 + GAP + RETENTION);
        assertThat(spans).isEqualTo(spans(new long[] {M}, new long[] {M + 14_000}, new int[] {4}, new boolean[] {true}));
    }

    @Test
    void aLateEventTouchingNoSessionIsABounceAtOnce() {
        SessionSpans.Change late = add(M + 1_000, M + 30_000);

        assertThat(late.deltas()).containsExactly(delta(M, 1, 1, 0, 1, 1, M + 1_000));
        assertThat(late.timer()).isEqualTo(M + 1_000 + GAP + RETENTION);
    }

    @Test
    void forgetsAnEndedSessionOnceNoEventCanTouchItAndKeepsTheOthers() {
        add(M, NO_WATERMARK);
        add(M + 100_000, NO_WATERMARK);
        advance(M + GAP);

        SessionSpans.Change kept = advance(M + GAP + RETENTION - 1);
        assertThat(kept.spans().size()).isEqualTo(2);
        assertThat(kept.timer()).isEqualTo(M + GAP + RETENTION);

        SessionSpans.Change forgotten = advance(M + GAP + RETENTION);
        assertThat(forgotten.deltas()).as("the figures stay counted").isEmpty();
        assertThat(spans).isEqualTo(spans(new long[] {M + 100_000}, new long[] {M + 100_000}, new int[] {1},
                new boolean[] {true}));
        assertThat(forgotten.timer()).isEqualTo(M + 100_000 + GAP + RETENTION);

        assertThat(advance(M + 100_000 + GAP + RETENTION).spans().isEmpty()).isTrue();
        assertThat(spans.advance(Long.MAX_VALUE, TIMES).timer()).isEqualTo(SessionSpans.NO_TIMER);
    }

    @Test
    void anyOrderAndAnyLatenessGiveTheFiguresOfTheSortedEvents() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            List<Long> times = randomTimes(random);
            Map<Instant, SessionMetric> expected = SortedSessions.rows(List.of(times), GAP);
            Collections.shuffle(times, random);
            spans = SessionSpans.NONE;
            List<SessionDelta> deltas = new ArrayList<>();
            long watermark = M;
            for (long time : times) {
                // event time moves on at random: some events come after their session ended
                watermark += random.nextInt(30_000);
                deltas.addAll(add(time, watermark).deltas());
                deltas.addAll(advance(watermark).deltas());
            }
            deltas.addAll(advance(Long.MAX_VALUE).deltas());

            assertThat(SortedSessions.summed(deltas)).as("round %d: %s", round, times).isEqualTo(expected);
            assertThat(spans.isEmpty()).isTrue();
        }
    }

    /**
     * As {@link VisitorSessions} runs it: event time moves on only through the timers the spans
     * asked for, fired in order once the watermark passes them. Every span must have a timer
     * pending by its next step (its end while open, then the time it is forgotten), or it would
     * end late or never be forgotten; the figures are those of the sorted events.
     */
    @Test
    void theTimersAskedForEndAndForgetEverySpanInTime() {
        Random random = new Random(13);
        for (int round = 0; round < 500; round++) {
            List<Long> times = randomTimes(random);
            Map<Instant, SessionMetric> expected = SortedSessions.rows(List.of(times), GAP);
            Collections.shuffle(times, random);
            spans = SessionSpans.NONE;
            List<SessionDelta> deltas = new ArrayList<>();
            TreeSet<Long> timers = new TreeSet<>();
            long watermark = M;
            for (long time : times) {
                watermark += random.nextInt(30_000);
                fireTimersUpTo(watermark, timers, deltas);
                SessionSpans.Change change = add(time, watermark);
                deltas.addAll(change.deltas());
                if (change.timer() != SessionSpans.NO_TIMER) timers.add(change.timer());
                assertEverySpanHasATimerByItsNextStep(timers, watermark);
            }
            fireTimersUpTo(Long.MAX_VALUE, timers, deltas);

            assertThat(SortedSessions.summed(deltas)).as("round %d: %s", round, times).isEqualTo(expected);
            assertThat(spans.isEmpty()).as("every span forgotten").isTrue();
        }
    }

    /** One to twelve event times within three minutes. */
    private static List<Long> randomTimes(Random random) {
        List<Long> times = new ArrayList<>();
        int n = 1 + random.nextInt(12);
        for (int i = 0; i < n; i++) times.add(M + random.nextInt(180_000));
        return times;
    }

    private void fireTimersUpTo(long watermark, TreeSet<Long> timers, List<SessionDelta> deltas) {
        while (!timers.isEmpty() && timers.first() <= watermark) {
            timers.pollFirst();
            // the operator reads its current watermark in a timer, which the last one passed
            SessionSpans.Change change = advance(watermark);
            deltas.addAll(change.deltas());
            if (change.timer() != SessionSpans.NO_TIMER) timers.add(change.timer());
        }
    }

    private void assertEverySpanHasATimerByItsNextStep(TreeSet<Long> timers, long watermark) {
        for (int i = 0; i < spans.size(); i++) {
            long next = spans.ended()[i] ? TIMES.forgottenAt(spans.lasts()[i]) : TIMES.end(spans.lasts()[i]);
            assertThat(timers).as("a timer pending for %s", spans).isNotEmpty();
            // one at or before the watermark fires as event time next moves on
            assertThat(timers.first()).as("the first pending timer of %s", spans)
                    .isLessThanOrEqualTo(Math.max(next, watermark));
        }
    }
}
