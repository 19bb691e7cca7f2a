package dev.eddy.model.testing;

import java.time.Instant;
import java.util.Random;

/** Random instants for tests of what reads or writes them as text. */
public final class RandomInstants {

    private RandomInstants() {}

    /**
     * An instant from {@code fromSecond} (epoch seconds) to {@code toSecond}, in whole seconds,
     * millis, micros or nanos, a quarter each: {@code Instant.toString()} prints each differently.
     */
    public static Instant between(Random random, long fromSecond, long toSecond) {
        long second = fromSecond + (long) (random.nextDouble() * (toSecond - fromSecond));
        int nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nanos);
    }
}
