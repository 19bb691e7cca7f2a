package dev.eddy.handlers.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff without jitter: {@code first} before the second attempt, doubled before each
 * further one, never more than {@code max}. A handler posts at most its {@code concurrency} events
 * at once, so its own retries make a herd of that many at most: too few to spread out.
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero()) throw new IllegalArgumentException("first must be positive: " + first);
        if (max.compareTo(first) < 0) throw new IllegalArgumentException("max " + max + " is below first " + first);
    }

    /** The wait after attempt {@code failed} (1 for the first) failed, before the next one. */
    public Duration after(int failed) {
        if (failed < 1) throw new IllegalArgumentException("attempts count from 1, got " + failed);
        // past 2^30 times the first wait every sane max is reached; the shift would overflow soon after
        int doublings = Math.min(failed - 1, 30);
        Duration wait = first.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 ? max : wait;
    }

    /**
     * {@link #after(int)}, or longer when the receiver asked for longer ({@code Retry-After}), but
     * never more than {@code max}: the longest an event may wait is the handler's to set.
     */
    public Duration after(int failed, Duration asked) {
        Duration wait = after(failed);
        if (asked.compareTo(wait) <= 0) return wait;
        return asked.compareTo(max) > 0 ? max : asked;
    }
}
