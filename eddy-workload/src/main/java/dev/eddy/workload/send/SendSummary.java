package dev.eddy.workload.send;

import java.time.Duration;

/**
 * The outcome of a send run.
 *
 * @param sent distinct messages taken from the source and sent
 * @param acknowledged distinct messages the server acknowledged (equals {@code sent} after a successful run)
 * @param requests HTTP requests made, retries and duplicates included
 * @param retries requests that repeated a batch after a network error, 408, 429 or 5xx
 * @param duplicatesSent messages deliberately sent again after their batch was acknowledged
 * @param elapsed wall-clock time of the run
 */
public record SendSummary(long sent, long acknowledged, long requests, long retries, long duplicatesSent,
                          Duration elapsed) {

    /** Acknowledged distinct messages per second. */
    public double eventsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds == 0 ? 0 : acknowledged / seconds;
    }
}
