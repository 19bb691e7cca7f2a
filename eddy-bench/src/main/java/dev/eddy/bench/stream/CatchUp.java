package dev.eddy.bench.stream;

import java.time.Duration;

/**
 * A job working through a pre-filled topic: how many events, and how long from the job
 * switching to RUNNING until the last of them had its effect.
 */
public record CatchUp(long events, Duration elapsed) {

    public double eventsPerSecond() {
        return events / (elapsed.toNanos() / 1e9);
    }
}
