package dev.eddy.stream.sessions;

import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.funnels.FunnelDelta;
import dev.eddy.stream.funnels.FunnelProgress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;

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
 * <p>Funnels: the visitor's events of funnel steps that may still count are kept too, by time, as
 * long as their spans, and each change also says how it moves the funnels' figures
 * ({@link FunnelProgress} says how far a span got). They are kept under the {@link Funnels#id} of the funnels followed; spans restored
 * under other funnels are {@code frozen}: the steps they counted stay counted, no more are
 * counted for them, nor for a span they join.
 *
 * <p>Parallel arrays rather than a list of objects: a few longs per span, which Flink's POJO
 * serializer writes without Kryo. Never changed in place: each change makes new arrays. State of
 * the version before funnels restores with the funnel fields 0 and null ({@link #under}).
 *
 * @param firsts each span's first event time, ascending
 * @param lasts each span's last event time
 * @param events each span's event count
 * @param ended whether each span is over, its figures counted (the watermark reached last + gap)
 * @param funnels the {@link Funnels#id} the steps below were kept under
 * @param frozen whether each span counts no funnel steps (see above)
 * @param stepTimes the times of the spans' events of funnel steps, ascending
 * @param stepBits those events' {@link Funnels#stepsOf} bits
 */
public record SessionSpans(long[] firsts, long[] lasts, int[] events, boolean[] ended,
                           long funnels, boolean[] frozen, long[] stepTimes, long[] stepBits) {

    public static final SessionSpans NONE = none(Funnels.NONE);

    public static final long NO_TIMER = Long.MIN_VALUE;

    /**
     * The outcome of an event or of event time moving on.
     *
     * @param spans the spans after
     * @param deltas the net change of each minute's figures, none zero
     * @param funnelDeltas the net change of each funnel's figures per minute, none zero
     * @param timer an event-time timer to register, or {@link #NO_TIMER}
     */
    public record Change(SessionSpans spans, List<SessionDelta> deltas, List<FunnelDelta> funnelDeltas, long timer) {}

    /** No spans, under {@code funnels}. */
    public static SessionSpans none(Funnels funnels) {
        return new SessionSpans(new long[0], new long[0], new int[0], new boolean[0], funnels.id(), new boolean[0],
                new long[0], new long[0]);
    }

    /**
     * These spans, read from the state, for a job following {@code funnels}: as they are if kept
     * under them; else with no steps and every span frozen (the funnels changed, or the state is
     * of the version before funnels while some are followed now).
     */
    public SessionSpans under(Funnels funnels) {
        if (this.funnels == funnels.id() && frozen != null) return this;
        boolean keep = this.funnels == funnels.id(); // before funnels and none followed now
        boolean[] allFrozen = new boolean[size()];
        Arrays.fill(allFrozen, !keep);
        return new SessionSpans(firsts, lasts, events, ended, funnels.id(), allFrozen,
                keep && stepTimes != null ? stepTimes : new long[0], keep && stepBits != null ? stepBits : new long[0]);
    }

    public int size() {
        return firsts.length;
    }

    public boolean isEmpty() {
        return firsts.length == 0;
    }

    /**
     * An event at {@code time}, of the funnel steps {@code steps} of {@code funnels} (the ones these
     * spans are kept under), while event time is at {@code watermark}.
     */
    public Change add(long time, long steps, long watermark, SessionTimes times, Funnels funnels) {
        int n = size();
        int from = 0;
        while (from < n && times.end(lasts[from]) < time) from++;
        int to = from;
        while (to < n && firsts[to] - times.gapMs() <= time) to++;
        if (to == from + 1 && !ended[from] && firsts[from] <= time) {
            // the common case, an open session going on: its start and so its figures stay, and
            // its funnels' unless the event is of a step
            long last = Math.max(lasts[from], time);
            if (steps == 0 || frozen[from]) {
                return new Change(replaced(from, to, firsts[from], last, events[from] + 1, false, frozen[from]),
                        List.of(), List.of(), NO_TIMER);
            }
            SessionSpans withStep = withStep(time, steps);
            List<FunnelDelta> funnelChanges = new ArrayList<>(funnelDeltas(funnels, firsts[from], lasts[from], true));
            funnelChanges.addAll(withStep.funnelDeltas(funnels, firsts[from], last, false));
            return new Change(withStep.settled(firsts[from], last, false, funnels, times.earliestToCome(watermark))
                    .replaced(from, to, firsts[from], last, events[from] + 1, false, false),
                    List.of(), net(funnelChanges, FunnelDelta::key, FunnelDelta::plus, FunnelDelta::isZero), NO_TIMER);
        }
        long first = time;
        long last = time;
        int count = 1;
        boolean openPart = false;
        boolean anyFrozen = false;
        List<SessionDelta> changes = new ArrayList<>();
        List<FunnelDelta> funnelChanges = new ArrayList<>();
        for (int i = from; i < to; i++) {
            first = Math.min(first, firsts[i]);
            last = Math.max(last, lasts[i]);
            count += events[i];
            openPart |= !ended[i];
            anyFrozen |= frozen[i];
            changes.add(SessionDelta.of(firsts[i], lasts[i], events[i], ended[i]).negated());
            if (!frozen[i]) funnelChanges.addAll(funnelDeltas(funnels, firsts[i], lasts[i], true));
        }
        // late: a session whose end event time has passed is over at once
        boolean over = watermark >= times.end(last);
        changes.add(SessionDelta.of(first, last, count, over));
        SessionSpans withStep = steps == 0 || anyFrozen ? this : withStep(time, steps);
        if (!anyFrozen) funnelChanges.addAll(withStep.funnelDeltas(funnels, first, last, false));
        SessionSpans next = withStep.settled(first, last, anyFrozen, funnels, times.earliestToCome(watermark))
                .replaced(from, to, first, last, count, over, anyFrozen);
        return new Change(next, net(changes, SessionDelta::minuteStart, SessionDelta::plus, SessionDelta::isZero),
                net(funnelChanges, FunnelDelta::key, FunnelDelta::plus, FunnelDelta::isZero),
                openPart ? NO_TIMER : next(last, over, times));
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
        if (changes.isEmpty() && left == n) return new Change(this, List.of(), List.of(), timer);
        long[] keptFirsts = new long[left];
        long[] keptLasts = new long[left];
        int[] keptEvents = new int[left];
        boolean[] keptEnded = new boolean[left];
        boolean[] keptFrozen = new boolean[left];
        for (int i = 0, j = 0; i < n; i++) {
            if (!kept[i]) continue;
            keptFirsts[j] = firsts[i];
            keptLasts[j] = lasts[i];
            keptEvents[j] = events[i];
            keptEnded[j] = endedNow[i];
            keptFrozen[j] = frozen[i];
            j++;
        }
        // the step events of forgotten spans go with them
        int steps = 0;
        long[] keptTimes = new long[stepTimes.length];
        long[] keptBits = new long[stepBits.length];
        for (int k = 0, span = 0; k < stepTimes.length; k++) {
            while (span < left && keptLasts[span] < stepTimes[k]) span++;
            if (span < left && keptFirsts[span] <= stepTimes[k]) {
                keptTimes[steps] = stepTimes[k];
                keptBits[steps++] = stepBits[k];
            }
        }
        SessionSpans next = new SessionSpans(keptFirsts, keptLasts, keptEvents, keptEnded, funnels, keptFrozen,
                Arrays.copyOf(keptTimes, steps), Arrays.copyOf(keptBits, steps));
        return new Change(next, net(changes, SessionDelta::minuteStart, SessionDelta::plus, SessionDelta::isZero),
                List.of(), timer);
    }

    /**
     * These spans with the step events of the session from {@code first} to {@code last} cut to
     * those that may still count, while no event before {@code earliestToCome} can come: none if it
     * is frozen, else {@link FunnelProgress#stillCounting}.
     */
    private SessionSpans settled(long first, long last, boolean isFrozen, Funnels followed, long earliestToCome) {
        int from = 0;
        while (from < stepTimes.length && stepTimes[from] < first) from++;
        int to = from;
        while (to < stepTimes.length && stepTimes[to] <= last) to++;
        if (from == to) return this;
        long[] kept = isFrozen ? new long[to - from] : FunnelProgress.stillCounting(followed, stepTimes, stepBits, from, to, earliestToCome);
        int left = 0;
        for (long bits : kept) if (bits != 0) left++;
        if (left == to - from) return this;
        long[] times = new long[stepTimes.length - (to - from) + left];
        long[] bits = new long[times.length];
        System.arraycopy(stepTimes, 0, times, 0, from);
        System.arraycopy(stepBits, 0, bits, 0, from);
        int at = from;
        for (int k = from; k < to; k++) {
            if (kept[k - from] == 0) continue;
            times[at] = stepTimes[k];
            bits[at++] = kept[k - from];
        }
        System.arraycopy(stepTimes, to, times, at, stepTimes.length - to);
        System.arraycopy(stepBits, to, bits, at, stepBits.length - to);
        return new SessionSpans(firsts, lasts, events, ended, funnels, frozen, times, bits);
    }

    /** These spans with one more step event, after those of the same time. */
    private SessionSpans withStep(long time, long steps) {
        int at = stepTimes.length;
        while (at > 0 && stepTimes[at - 1] > time) at--;
        long[] times = new long[stepTimes.length + 1];
        long[] bits = new long[stepBits.length + 1];
        System.arraycopy(stepTimes, 0, times, 0, at);
        System.arraycopy(stepBits, 0, bits, 0, at);
        times[at] = time;
        bits[at] = steps;
        System.arraycopy(stepTimes, at, times, at + 1, stepTimes.length - at);
        System.arraycopy(stepBits, at, bits, at + 1, stepBits.length - at);
        return new SessionSpans(firsts, lasts, events, ended, funnels, frozen, times, bits);
    }

    /**
     * What the session from {@code first} to {@code last} counts in each funnel it entered, from
     * these spans' steps in that stretch; taken back with {@code negated}. A session's funnel
     * figures do not change as it ends: only events change them.
     */
    private List<FunnelDelta> funnelDeltas(Funnels followed, long first, long last, boolean negated) {
        if (followed.isEmpty() || stepTimes.length == 0) return List.of();
        int from = 0;
        while (from < stepTimes.length && stepTimes[from] < first) from++;
        int to = from;
        while (to < stepTimes.length && stepTimes[to] <= last) to++;
        if (from == to) return List.of();
        List<FunnelDelta> deltas = new ArrayList<>();
        for (int f = 0; f < followed.size(); f++) {
            int reached = FunnelProgress.reached(followed, f, stepTimes, stepBits, from, to);
            if (reached == 0) continue;
            FunnelDelta delta = FunnelDelta.of(followed.get(f).name(), followed.definition(f),
                    followed.get(f).steps().size(), first, reached);
            deltas.add(negated ? delta.negated() : delta);
        }
        return deltas;
    }

    /** A span's next step: its end while open, then the time it is forgotten. */
    private static long next(long last, boolean ended, SessionTimes times) {
        return ended ? times.forgottenAt(last) : times.end(last);
    }

    /** These spans with those in [from, to) replaced by one; the steps stay. */
    private SessionSpans replaced(int from, int to, long first, long last, int count, boolean over, boolean isFrozen) {
        int n = size() - (to - from) + 1;
        SessionSpans next = new SessionSpans(new long[n], new long[n], new int[n], new boolean[n], funnels,
                new boolean[n], stepTimes, stepBits);
        copy(this, 0, next, 0, from);
        copy(this, to, next, from + 1, size() - to);
        next.firsts[from] = first;
        next.lasts[from] = last;
        next.events[from] = count;
        next.ended[from] = over;
        next.frozen[from] = isFrozen;
        return next;
    }

    private static void copy(SessionSpans source, int from, SessionSpans target, int at, int length) {
        System.arraycopy(source.firsts, from, target.firsts, at, length);
        System.arraycopy(source.lasts, from, target.lasts, at, length);
        System.arraycopy(source.events, from, target.events, at, length);
        System.arraycopy(source.ended, from, target.ended, at, length);
        System.arraycopy(source.frozen, from, target.frozen, at, length);
    }

    /** The changes summed by what they change, in order of first appearance, zeros left out. */
    private static <D> List<D> net(List<D> changes, Function<D, Object> of, BinaryOperator<D> plus, Predicate<D> isZero) {
        if (changes.isEmpty()) return List.of();
        Map<Object, D> byWhat = new LinkedHashMap<>();
        for (D change : changes) byWhat.merge(of.apply(change), change, plus);
        return byWhat.values().stream().filter(isZero.negate()).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionSpans other && Arrays.equals(firsts, other.firsts)
                && Arrays.equals(lasts, other.lasts) && Arrays.equals(events, other.events)
                && Arrays.equals(ended, other.ended) && funnels == other.funnels && Arrays.equals(frozen, other.frozen)
                && Arrays.equals(stepTimes, other.stepTimes) && Arrays.equals(stepBits, other.stepBits);
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
            if (frozen[i]) text.append(" frozen");
        }
        if (stepTimes.length > 0) text.append("; steps at ").append(Arrays.toString(stepTimes));
        return text.append(']').toString();
    }
}
