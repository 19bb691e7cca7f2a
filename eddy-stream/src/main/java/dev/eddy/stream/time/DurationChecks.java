package dev.eddy.stream.time;

import java.time.Duration;
import java.util.Objects;

/** Checks of the durations the job's steps are tuned with, worded alike wherever a step is built. */
public final class DurationChecks {

    private DurationChecks() {}

    /** {@code d}, when it is given and not negative. */
    public static Duration notNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) throw new IllegalArgumentException(name + " must not be negative: " + d);
        return d;
    }

    /** {@code d}, when it is given and above zero. */
    public static Duration positive(Duration d, String name) {
        if (notNegative(d, name).isZero()) throw new IllegalArgumentException(name + " must be positive");
        return d;
    }
}
