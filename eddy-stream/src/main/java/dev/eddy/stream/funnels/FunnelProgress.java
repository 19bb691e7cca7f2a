package dev.eddy.stream.funnels;

import dev.eddy.model.funnels.Funnels;

/**
 * How far a session got in each funnel, from the funnel step events of its visitor: the rule of
 * {@code Funnel#reached} on events held as parallel arrays of times (ascending) and step bits.
 */
public final class FunnelProgress {

    private FunnelProgress() {}

    /**
     * The steps of funnel {@code funnel} reached by the events {@code [from, to)}: going through
     * them by time, each step is taken by an event of it at or after the step before. Events of
     * one millisecond count together, in the steps' order: their bits are or-ed, each event being
     * of at most one step of a funnel.
     */
    public static int reached(Funnels funnels, int funnel, long[] times, long[] bits, int from, int to) {
        int steps = funnels.get(funnel).steps().size();
        int reached = 0;
        int i = from;
        while (i < to && reached < steps) {
            long together = 0;
            int j = i;
            for (; j < to && times[j] == times[i]; j++) together |= bits[j];
            while (reached < steps && (together & funnels.bit(funnel, reached)) != 0) reached++;
            i = j;
        }
        return reached;
    }
}
