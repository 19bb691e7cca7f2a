package dev.eddy.stream.funnels;

import dev.eddy.model.funnels.Funnels;
import java.util.Arrays;

/**
 * How far a session got in each funnel, from the funnel step events of its visitor: the rule of
 * {@code Funnel#reached} on events held as parallel arrays of times (ascending) and step bits.
 */
public final class FunnelProgress {

    /** Told of each step taken, with the index just past the millisecond that took it. */
    @FunctionalInterface
    private interface Takes {
        void taken(int step, int after);
    }

    private FunnelProgress() {}

    /**
     * The steps of funnel {@code funnel} reached by the events {@code [from, to)}: going through
     * them by time, each step is taken by an event of it at or after the step before. Events of
     * one millisecond count together, in the steps' order: their bits are or-ed, each event being
     * of at most one step of a funnel.
     */
    public static int reached(Funnels funnels, int funnel, long[] times, long[] bits, int from, int to) {
        return walk(funnels, funnel, times, bits, from, to, (step, after) -> {});
    }

    /**
     * The bits of the events {@code [from, to)}, one session's, with those cleared that can never
     * again change how far it gets in any funnel: a step's events later than the one that took it.
     * Events only ever make each step be taken earlier or at the same time (more events, earlier
     * or equal choices), so such an event is never taken. Keeps a visitor that comes back to the
     * same pages all session from piling them up.
     */
    public static long[] withoutLaterTakes(Funnels funnels, long[] times, long[] bits, int from, int to) {
        long[] kept = Arrays.copyOfRange(bits, from, to);
        for (int f = 0; f < funnels.size(); f++) {
            int funnel = f;
            walk(funnels, funnel, times, bits, from, to, (step, after) -> {
                long taken = funnels.bit(funnel, step);
                for (int k = after; k < to; k++) kept[k - from] &= ~taken;
            });
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
            while (reached < steps && (together & funnels.bit(funnel, reached)) != 0) takes.taken(reached++, j);
            i = j;
        }
        return reached;
    }
}
