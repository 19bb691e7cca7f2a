package dev.eddy.stream.funnels;

import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.stream.metrics.MinuteWindow;
import java.time.Instant;
import java.util.Arrays;

/**
 * A change of one funnel's figures for the sessions started in one minute, in the terms of
 * {@link FunnelMetric}; also a minute's running total ({@link FunnelTally}). How long a minute is
 * kept is the sessions' business: a minute's funnel figures go with its sessions' figures.
 *
 * @param funnel the funnel's name
 * @param definition the funnel's {@code Funnels#definition}, under which the figures were counted
 * @param minuteStart the minute the sessions started in
 * @param reached per step, the sessions that reached it
 */
public record FunnelDelta(String funnel, long definition, long minuteStart, long[] reached) {

    /** What one session that reached {@code reached} steps of a funnel of {@code steps} counts in the minute it started. */
    public static FunnelDelta of(String funnel, long definition, int steps, long first, int reached) {
        long[] counts = new long[steps];
        Arrays.fill(counts, 0, reached, 1);
        return new FunnelDelta(funnel, definition, MinuteWindow.startOf(first), counts);
    }

    /** The funnel and minute, the figures of which it changes. */
    public String key() {
        return funnel + "@" + minuteStart;
    }

    /** The figures taken back. */
    public FunnelDelta negated() {
        long[] negated = new long[reached.length];
        for (int i = 0; i < negated.length; i++) negated[i] = -reached[i];
        return new FunnelDelta(funnel, definition, minuteStart, negated);
    }

    /** Both changes together; expects the same funnel, definition and minute. */
    public FunnelDelta plus(FunnelDelta other) {
        long[] sum = reached.clone();
        for (int i = 0; i < sum.length; i++) sum[i] += other.reached[i];
        return new FunnelDelta(funnel, definition, minuteStart, sum);
    }

    /** Whether it changes no figure. */
    public boolean isZero() {
        return Arrays.stream(reached).allMatch(count -> count == 0);
    }

    public FunnelMetric row() {
        return new FunnelMetric(funnel, Instant.ofEpochMilli(minuteStart), Arrays.stream(reached).boxed().toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FunnelDelta other && funnel.equals(other.funnel) && definition == other.definition
                && minuteStart == other.minuteStart && Arrays.equals(reached, other.reached);
    }

    @Override
    public int hashCode() {
        return key().hashCode() * 31 + Arrays.hashCode(reached);
    }

    @Override
    public String toString() {
        return "FunnelDelta[" + funnel + " " + Instant.ofEpochMilli(minuteStart) + " reached " + Arrays.toString(reached) + "]";
    }
}
