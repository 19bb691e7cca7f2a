package dev.eddy.it;

import dev.eddy.model.funnels.Funnels;
import dev.eddy.workload.TrafficRun;
import dev.eddy.workload.traffic.TrafficProfile;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The generated workload of the end-to-end tests: fixed seed, client retries and deliberate duplicates, out-of-order events. */
final class Traffic {
    /** One acknowledged batch in twenty is sent again unchanged, as a client retrying after a lost reply would. */
    static final double DUPLICATE_FRACTION = 0.05;
    /**
     * Where in its minute the last event of a run falls when the run should be final soon: the
     * quiet-tail watermark finalises that minute one idleness timeout after the traffic stops,
     * while a run ending early in a minute would wait for the rest of that minute.
     */
    static final Duration SOON_FINAL = Duration.ofSeconds(59);
    /**
     * The {@code stream.sessionGap} every test's Eddy runs with ({@link Eddies}) and its truth's
     * sessions are split by: short, so that a run's sessions are over seconds after it, and
     * longer than the gaps inside the generator's sessions, so that they are not all bounces.
     */
    static final Duration SESSION_GAP = Duration.ofSeconds(10);
    /**
     * The {@code funnels} every test's Eddy follows ({@link Eddies}) and its truth counts the
     * sessions in: the funnel the generator's sessions walk, so that they go all the way down it.
     */
    static final Funnels FUNNELS = new Funnels(List.of(TrafficProfile.CHECKOUT));

    private Traffic() {}

    /**
     * {@code count} messages at {@code rate} per second, timed so that the last one is due
     * {@code lastEventIntoMinute} after a minute boundary. For that the start is up to a minute
     * before now: events a little old when sent, as from a client flushing its queue.
     */
    static TrafficRun.Builder run(URI url, String writeKey, long seed, long count, double rate,
                                  Duration lastEventIntoMinute) {
        return TrafficRun.builder(url, writeKey)
                .seed(seed)
                .start(startEndingAt(Instant.now(), count, rate, lastEventIntoMinute))
                .rate(rate)
                .count(count)
                .duplicateFraction(DUPLICATE_FRACTION)
                .sessionGap(SESSION_GAP)
                .funnels(FUNNELS);
    }

    private static Instant startEndingAt(Instant now, long count, double rate, Duration lastEventIntoMinute) {
        Instant end = now.plus(Duration.ofNanos(Math.round(count / rate * 1e9)));
        Instant alignedEnd = end.minus(lastEventIntoMinute).truncatedTo(ChronoUnit.MINUTES).plus(lastEventIntoMinute);
        return now.minus(Duration.between(alignedEnd, end));
    }
}
