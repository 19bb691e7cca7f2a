package dev.eddy.stream.sessions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One visitor's sessions as spans of event time, and how an event or the watermark changes them:
 * what {@link VisitorSessions} keeps per visitor, apart from Flink so it can be tested alone.
 *
 * <p>The spans are sorted and more than the gap apart, so an event touches (is within the gap of)
 * a run of consecutive spans, which it merges into one with itself. Whatever order the events
 * come in, the spans are then those of the sorted events split at gaps longer than the gap. Each
 * change comes with the {@link SessionDelta}s it makes: what the spans before counted taken back,
 * what the spans after count added, by minute, zeros left out.
 *
 * <p>Timers: every span has a timer pending no later than its next step (its {@link #next}), so
 * that {@link #advance} sees it end and then be forgotten. A span keeps the timer of an open part
 * it grew from; one made of ended spans only or of the event alone asks for its own.
 *
 * <p>Parallel arrays rather than a list of objects: a few longs per span, which Flink's POJO
 * serializer writes without Kryo. Never changed in place: each change makes new arrays.
 *
 * @param firsts each span's first event time, ascending
 * @param lasts each span's last event time
 * @param events each span's event count
 * @param ended whether each span is over, its figures counted (the watermark reached last + gap)
 */
public record SessionSpans(long[] firsts, long[] lasts, int[] events, boolean[] ended) {

    public static final SessionSpans NONE = new SessionSpans(new long[0], new long[0], new int[0], new boolean[0]);

    public static final long NO_TIMER = Long.MIN_VALUE;

    /**
     * The outcome of an event or of event time moving on.
     *
     * @param spans the spans after
     * @param deltas the net change of each minute's figures, none zero
     * @param timer an event-time timer to register, or {@link #NO_TIMER}
     */
    public record Change(SessionSpans spans, List<SessionDelta> deltas, long timer) {}

    public int size() {
        return firsts.length;
    }

    public boolean isEmpty() {
        return firsts.length == 0;
    }

    /** An event at {@code time} while event time is at {@code watermark}. */
    public Change add(long time, long watermark, SessionTimes times) {
        int n = size();
        int from = 0;
        while (from < n && times.end(lasts[from]) < time) from++;
        int to = from;
        while (to < n && firsts[to] - times.gapMs() <= time) to++;
        if (to == from + 1 && !ended[from] && firsts[from] <= time) {
            // the common case, an open session going on: its start and so its figures stay
            return new Change(replaced(from, to, firsts[from], Math.max(lasts[from], time), events[from] + 1, false),
                    List.of(), NO_TIMER);
        }
        long first = time;
        long last = time;
        int count = 1;
        boolean openPart = false;
        List<SessionDelta> changes = new ArrayList<>();
        for (int i = from; i < to; i++) {
            first = Math.min(first, firsts[i]);
            last = Math.max(last, lasts[i]);
            count += events[i];
            openPart |= !ended[i];
            changes.add(SessionDelta.of(firsts[i], lasts[i], events[i], ended[i]).negated());
        }
        // late: a session whose end event time has passed is over at once
        boolean over = watermark >= times.end(last);
        changes.add(SessionDelta.of(first, last, count, over));
        SessionSpans next = replaced(from, to, first, last, count, over);
        return new Change(next, net(changes), openPart ? NO_TIMER : next(last, over, times));
    }

    /**
     * Event time at {@code watermark}: the open spans it passed the end of are over and count in
     * full, the ended ones no event can touch any more are forgotten (their figures stay counted).
     * Asks for a timer at the next step of the spans left.
     */
    public Change advance(long watermark, SessionTimes times) {
        int n = size();
        List<SessionDelta> changes = new ArrayList<>();
        boolean[] endedNow = ended.clone();
        boolean[] kept = new boolean[n];
        int left = 0;
        long timer = NO_TIMER;
        for (int i = 0; i < n; i++) {
            if (!ended[i] && times.end(lasts[i]) <= watermark) {
                endedNow[i] = true;
                changes.add(SessionDelta.of(firsts[i], lasts[i], events[i], false).negated());
                changes.add(SessionDelta.of(firsts[i], lasts[i], events[i], true));
            }
            kept[i] = !endedNow[i] || times.forgottenAt(lasts[i]) > watermark;
            if (kept[i]) {
                left++;
                long at = next(lasts[i], endedNow[i], times);
                timer = timer == NO_TIMER ? at : Math.min(timer, at);
            }
        }
        if (changes.isEmpty() && left == n) return new Change(this, List.of(), timer);
        SessionSpans next = new SessionSpans(new long[left], new long[left], new int[left], new boolean[left]);
        for (int i = 0, j = 0; i < n; i++) {
            if (!kept[i]) continue;
            next.firsts[j] = firsts[i];
            next.lasts[j] = lasts[i];
            next.events[j] = events[i];
            next.ended[j] = endedNow[i];
            j++;
        }
        return new Change(next, net(changes), timer);
    }

    /** A span's next step: its end while open, then the time it is forgotten. */
    private static long next(long last, boolean ended, SessionTimes times) {
        return ended ? times.forgottenAt(last) : times.end(last);
    }

    /** These spans with those in [from, to) replaced by one. */
    private SessionSpans replaced(int from, int to, long first, long last, int count, boolean over) {
        int n = size() - (to - from) + 1;
        SessionSpans next = new SessionSpans(new long[n], new long[n], new int[n], new boolean[n]);
        copy(this, 0, next, 0, from);
        copy(this, to, next, from + 1, size() - to);
        next.firsts[from] = first;
        next.lasts[from] = last;
        next.events[from] = count;
        next.ended[from] = over;
        return next;
    }

    private static void copy(SessionSpans source, int from, SessionSpans target, int at, int length) {
        System.arraycopy(source.firsts, from, target.firsts, at, length);
        System.arraycopy(source.lasts, from, target.lasts, at, length);
        System.arraycopy(source.events, from, target.events, at, length);
        System.arraycopy(source.ended, from, target.ended, at, length);
    }

    /** The changes summed by minute, in order of first appearance, zeros left out. */
    private static List<SessionDelta> net(List<SessionDelta> changes) {
        Map<Long, SessionDelta> byMinute = new LinkedHashMap<>();
        for (SessionDelta change : changes) byMinute.merge(change.minuteStart(), change, SessionDelta::plus);
        return byMinute.values().stream().filter(delta -> !delta.isZero()).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionSpans other && Arrays.equals(firsts, other.firsts)
                && Arrays.equals(lasts, other.lasts) && Arrays.equals(events, other.events)
                && Arrays.equals(ended, other.ended);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(firsts) * 31 + Arrays.hashCode(lasts);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("SessionSpans[");
        for (int i = 0; i < size(); i++) {
            if (i > 0) text.append(", ");
            text.append(firsts[i]).append("..").append(lasts[i]).append(" x").append(events[i]);
            if (ended[i]) text.append(" ended");
        }
        return text.append(']').toString();
    }
}
