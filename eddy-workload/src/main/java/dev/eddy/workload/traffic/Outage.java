package dev.eddy.workload.traffic;

import java.time.Duration;
import java.util.Objects;

/**
 * A recurring outage of one funnel step, for a demo whose alerts have something to show: while
 * it lasts, no session goes on to {@code step} (each ends one step short), e.g. no "Order
 * Completed" while checkout is broken; a session decides at the step before, so one already on its
 * way when the outage begins still gets there. It begins {@code after} the traffic's start, lasts
 * {@code length}, and comes back {@code every} so long.
 */
public record Outage(String step, Duration after, Duration length, Duration every) {

    public Outage {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(length, "length");
        Objects.requireNonNull(every, "every");
        if (after.isNegative()) throw new IllegalArgumentException("after must not be negative: " + after);
        if (length.isZero() || length.isNegative() || every.compareTo(length) <= 0) {
            throw new IllegalArgumentException("length must be positive and shorter than every: " + length + ", " + every);
        }
    }

    /** Whether the outage is on {@code sinceStart} after the traffic's start. */
    public boolean covers(Duration sinceStart) {
        if (sinceStart.compareTo(after) < 0) return false;
        long intoCycle = sinceStart.minus(after).toNanos() % every.toNanos();
        return intoCycle < length.toNanos();
    }
}
