package dev.eddy.stream.funnels;

import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.stream.metrics.MinuteWindow;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A change of one funnel's figures for the sessions started in one minute, in the terms of
 * {@link FunnelMetric}; also a minute's running total ({@link FunnelTally}).
 *
 * @param funnel the funnel's name
 * @param definition the funnel's {@code Funnels#definition}, under which the figures were counted
 * @param minuteStart the minute the sessions started in
 * @param reached per step, the sessions that reached it
 * @param ended of the sessions that entered the funnel, those over
 * @param latestEnd the latest last event time of the sessions it counts or retracts, or
 *     {@link Long#MIN_VALUE} for none (as {@code SessionDelta#latestEnd})
 */
public record FunnelDelta(String funnel, long definition, long minuteStart, long[] reached, long ended, long latestEnd) {

    /** What one session that reached {@code reached} steps of a funnel of {@code steps} counts in the minute it started. */
    public static FunnelDelta of(String funnel, long definition, int steps, long first, long last, int reached, boolean ended) {
        long[] counts = new long[steps];
        Arrays.fill(counts, 0, reached, 1);
        return new FunnelDelta(funnel, definition, MinuteWindow.startOf(first), counts, ended ? 1 : 0, last);
    }

    /** Nothing yet in the minute. */
    public static FunnelDelta zero(String funnel, long definition, int steps, long minuteStart) {
        return new FunnelDelta(funnel, definition, minuteStart, new long[steps], 0, Long.MIN_VALUE);
    }

    /** The funnel and minute, for keying: a string, whose hash is the same in every JVM. */
    public String key() {
        return funnel + "@" + minuteStart;
    }

    /** The figures taken back; the latest end stays, as a minute's retention may only grow. */
    public FunnelDelta negated() {
        long[] negated = new long[reached.length];
        for (int i = 0; i < negated.length; i++) negated[i] = -reached[i];
        return new FunnelDelta(funnel, definition, minuteStart, negated, -ended, latestEnd);
    }

    /** Both changes together; expects the same funnel, definition and minute. */
    public FunnelDelta plus(FunnelDelta other) {
        long[] sum = reached.clone();
        for (int i = 0; i < sum.length; i++) sum[i] += other.reached[i];
        return new FunnelDelta(funnel, definition, minuteStart, sum, ended + other.ended, Math.max(latestEnd, other.latestEnd));
    }

    /** Whether it changes no figure. */
    public boolean isZero() {
        return ended == 0 && Arrays.stream(reached).allMatch(count -> count == 0);
    }

    /** Whether every session it counts is over: those that entered, {@code reached[0]}. */
    public boolean allEnded() {
        return reached[0] == ended;
    }

    public FunnelMetric row() {
        return new FunnelMetric(funnel, Instant.ofEpochMilli(minuteStart), Arrays.stream(reached).boxed().toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FunnelDelta other && funnel.equals(other.funnel) && definition == other.definition
                && minuteStart == other.minuteStart && Arrays.equals(reached, other.reached) && ended == other.ended
                && latestEnd == other.latestEnd;
    }

    @Override
    public int hashCode() {
        return key().hashCode() * 31 + Arrays.hashCode(reached);
    }

    @Override
    public String toString() {
        return "FunnelDelta[" + funnel + " " + Instant.ofEpochMilli(minuteStart) + " reached " + List.of(
                Arrays.stream(reached).boxed().toArray()) + " ended " + ended + "]";
    }
}
