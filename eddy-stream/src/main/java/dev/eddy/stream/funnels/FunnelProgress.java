package dev.eddy.stream.funnels;

import dev.eddy.model.funnels.Funnels;
import java.util.Arrays;

/**
 * How far a session got in each funnel, from the funnel step events of its visitor: the rule of
 * {@code Funnel#reached} on events held as parallel arrays of times (ascending) and step bits.
 */
public final class FunnelProgress {

    /** Told of each step taken, by the events {@code [at, after)}: one millisecond's. */
    @FunctionalInterface
    private interface Takes {
        void taken(int step, int at, int after);
    }

    private FunnelProgress() {}

    /**
     * The steps of funnel {@code funnel} reached by the events {@code [from, to)}: going through
     * them by time, each step is taken by an event of it at or after the step before. Events of
     * one millisecond count together, in the steps' order: their bits are or-ed, each event being
     * of at most one step of a funnel.
     */
    public static int reached(Funnels funnels, int funnel, long[] times, long[] bits, int from, int to) {
        return walk(funnels, funnel, times, bits, from, to, (step, at, after) -> {});
    }

    /**
     * The bits of the events {@code [from, to)}, one session's, with those cleared that can never
     * again change how far it gets in any funnel, while no event earlier than {@code earliestToCome}
     * can still come:
     * <ul>
     *   <li>a step's events later than the ones that took it: events only ever make each step be
     *       taken earlier or at the same time (more events, earlier or equal choices), so such an
     *       event is never taken;
     *   <li>a step taken before {@code earliestToCome}: its events before the ones that took it. The
     *       walk's takes before that time are settled, made by events all in already;
     *   <li>a step not taken before it: its events before it. Its take, if any, is at or after the
     *       settled ones, and no event of it between them and {@code earliestToCome} took it, so it
     *       will be taken by an event still to come or one after; and so will every step after it.
     * </ul>
     * Keeps a visitor that comes back to the same pages all session, or sends events of steps it
     * never reaches, from piling them up: beyond the settled takes, only step events as recent as
     * the latest an event may be are kept.
     */
    public static long[] stillCounting(Funnels funnels, long[] times, long[] bits, int from, int to, long earliestToCome) {
        long[] kept = Arrays.copyOfRange(bits, from, to);
        int before = from; // the events before earliestToCome: all there will be of that stretch
        while (before < to && times[before] < earliestToCome) before++;
        for (int f = 0; f < funnels.size(); f++) {
            int funnel = f;
            int[] settled = {0}; // the steps taken before earliestToCome: a prefix, takes being in time order
            walk(funnels, funnel, times, bits, from, to, (step, at, after) -> {
                long taken = funnels.bit(funnel, step);
                for (int k = after; k < to; k++) kept[k - from] &= ~taken;
                if (times[at] >= earliestToCome) return;
                settled[0]++;
                for (int k = from; k < at; k++) kept[k - from] &= ~taken;
            });
            long open = 0;
            for (int step = settled[0]; step < funnels.get(funnel).steps().size(); step++) open |= funnels.bit(funnel, step);
            for (int k = from; k < before; k++) kept[k - from] &= ~open;
        }
        return kept;
    }

    /** The rule of {@link #reached}, telling {@code takes} of each step as it is taken; returns how many were. */
    private static int walk(Funnels funnels, int funnel, long[] times, long[] bits, int from, int to, Takes takes) {
        int steps = funnels.get(funnel).steps().size();
        int reached = 0;
        int i = from;
        while (i < to && reached < steps) {
            long together = 0;
            int j = i;
            for (; j < to && times[j] == times[i]; j++) together |= bits[j];
            while (reached < steps && (together & funnels.bit(funnel, reached)) != 0) takes.taken(reached++, i, j);
            i = j;
        }
        return reached;
    }
}
