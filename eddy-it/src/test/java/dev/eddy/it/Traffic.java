package dev.eddy.it;

import dev.eddy.workload.TrafficRun;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The generated workload of the end-to-end tests: fixed seed, client retries and deliberate duplicates, out-of-order events. */
final class Traffic {
    /** One acknowledged batch in twenty is sent again unchanged, as a client retrying after a lost reply would. */
    static final double DUPLICATE_FRACTION = 0.05;

    private Traffic() {}

    /**
     * {@code count} messages at {@code rate} per second, timed so that the last one is due one
     * second before a minute boundary. The quiet-tail watermark then finalises the last minute
     * one idleness timeout after the traffic stops; a run ending early in a minute would wait for
     * that whole minute to pass. The start is therefore up to a minute before now: events a
     * little old when sent, as from a client flushing its queue.
     */
    static TrafficRun.Builder run(URI url, String writeKey, long seed, long count, double rate) {
        return TrafficRun.builder(url, writeKey)
                .seed(seed)
                .start(startEndingBeforeMinute(Instant.now(), count, rate))
                .rate(rate)
                .count(count)
                .duplicateFraction(DUPLICATE_FRACTION);
    }

    static Instant startEndingBeforeMinute(Instant now, long count, double rate) {
        Instant end = now.plus(Duration.ofNanos(Math.round(count / rate * 1e9)));
        Instant alignedEnd = end.plusSeconds(1).truncatedTo(ChronoUnit.MINUTES).minusSeconds(1);
        return now.minus(Duration.between(alignedEnd, end));
    }
}
