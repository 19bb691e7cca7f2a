package dev.eddy.stream.time;

/** The processing-time ticks at which the views' changed figures go out. */
public final class UpdateTicks {

    private UpdateTicks() {}

    /** The first tick after {@code now}: aligned to the interval, so the timers of many keys fire together. */
    public static long next(long now, long intervalMs) {
        return (Math.floorDiv(now, intervalMs) + 1) * intervalMs;
    }
}
