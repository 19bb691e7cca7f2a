package dev.eddy.stream.alerts;

import dev.eddy.model.alerts.Alert;
import dev.eddy.stream.time.DurationChecks;
import java.io.Serializable;
import java.time.Duration;

/**
 * When a minute's count is an anomaly: outside the band of {@code threshold} standard deviations
 * around the mean of the series' baseline (its last {@code baselineMinutes} normal minutes). The
 * deviation is at least the square root of the mean, a Poisson count's: a series that was steady
 * for a while does not alert on the least change. The band starts at 1 at least when every
 * baseline minute had events, so a minute of none drops even where the deviation is as wide as
 * the mean. Counts below {@code minCount} never make a spike, and a series whose mean is below it
 * never drops: a few events a minute are noise.
 *
 * @param baselineMinutes how many normal minutes the band is drawn from, at most
 * @param threshold the band's half-width, in standard deviations
 * @param minCount the least count a spike has, and the least mean a series that drops has
 * @param delay how long after a minute is final its count is judged: events a little late (a
 *     mobile client's batch) still count
 */
public record AlertRule(int baselineMinutes, double threshold, long minCount, Duration delay) implements Serializable {

    /** A series is judged only once it has this many minutes of baseline: 10, or the whole baseline when shorter. */
    public static final int WARM_UP_MINUTES = 10;

    public AlertRule {
        if (baselineMinutes < 2) throw new IllegalArgumentException("baselineMinutes must be at least 2: " + baselineMinutes);
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be positive: " + threshold);
        }
        if (minCount < 0) throw new IllegalArgumentException("minCount must not be negative: " + minCount);
        DurationChecks.notNegative(delay, "delay");
    }

    /** A 30-minute baseline, 4 standard deviations, at least 10 events, judged a minute after the minute is final. */
    public static AlertRule defaults() {
        return new AlertRule(30, 4.0, 10, Duration.ofMinutes(1));
    }

    public int warmUpMinutes() {
        return Math.min(WARM_UP_MINUTES, baselineMinutes);
    }

    /** The band a baseline of counts draws; {@code counts} holds at least two. */
    public Band band(long[] counts) {
        double mean = 0;
        long least = Long.MAX_VALUE;
        for (long count : counts) {
            mean += count;
            least = Math.min(least, count);
        }
        mean /= counts.length;
        double squares = 0;
        for (long count : counts) squares += (count - mean) * (count - mean);
        double deviation = Math.max(Math.sqrt(squares / (counts.length - 1)), Math.sqrt(mean));
        double low = Math.max(least > 0 ? 1 : 0, mean - threshold * deviation);
        return new Band(mean, low, mean + threshold * deviation);
    }

    /** The kind of anomaly {@code count} is, or null when it is normal. */
    public Alert.Kind judge(long count, Band band) {
        if (count > band.high() && count >= minCount) return Alert.Kind.SPIKE;
        if (count < band.low() && band.expected() >= minCount) return Alert.Kind.DROP;
        return null;
    }

    /** What a baseline predicts of the next minute: its mean, and the band a normal count lies in. */
    public record Band(double expected, double low, double high) {}
}
