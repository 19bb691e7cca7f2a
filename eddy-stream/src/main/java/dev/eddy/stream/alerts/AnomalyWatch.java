package dev.eddy.stream.alerts;

import dev.eddy.model.alerts.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One series' watch, minute after minute: its baseline of normal minutes, and the alert firing
 * if any. Anomalous minutes stay out of the baseline, so an outage keeps its alert while it lasts;
 * once anomalies have filled a whole baseline in a row, their level is taken as the new normal
 * and the alert resolves (an outage of half an hour, a lasting change in traffic).
 *
 * <p>Flink keeps it as keyed state with its POJO serializer, hence the public fields.
 */
public final class AnomalyWatch {

    /** The last minute judged, in minutes since the epoch. */
    public long lastMinute;
    /** The counts of the latest normal minutes, oldest first, at most the rule's baseline. */
    public long[] baseline = new long[0];
    /** The counts of the anomalous minutes since the alert fired, oldest first. */
    public long[] streak = new long[0];
    /** The kind of the alert firing, or null. */
    public Alert.Kind firing;

    public AnomalyWatch() {}

    /** A watch that judges from the minute after {@code lastMinute} on. */
    public static AnomalyWatch after(long lastMinute) {
        AnomalyWatch watch = new AnomalyWatch();
        watch.lastMinute = lastMinute;
        return watch;
    }

    /**
     * Judges the next minute's count and returns the alerts it raises: none, one, or two when an
     * alert of one kind gives way to the other (resolved, then firing).
     */
    public List<Alert> judge(String series, long count, AlertRule rule) {
        long minute = ++lastMinute;
        List<Alert> alerts = new ArrayList<>(2);
        if (baseline.length < rule.warmUpMinutes()) {
            baseline = append(baseline, count, rule.baselineMinutes());
            return alerts;
        }
        AlertRule.Band band = rule.band(baseline);
        Alert.Kind kind = rule.judge(count, band);
        if (firing != null && kind != firing) {
            alerts.add(alert(series, minute, Alert.State.RESOLVED, firing, count, band,
                    "%s: %d in the minute from %s, %s the normal %s to %s (the %s is over)".formatted(
                            series, count, start(minute), kind == null ? "back within" : "now beyond",
                            rounded(band.low()), rounded(band.high()), firing.wireName())));
            firing = null;
            streak = new long[0];
        }
        if (kind == null) {
            baseline = append(baseline, count, rule.baselineMinutes());
        } else if (firing == null) {
            firing = kind;
            streak = new long[] {count};
            alerts.add(alert(series, minute, Alert.State.FIRING, kind, count, band,
                    "%s: %d in the minute from %s, %s the normal %s to %s (expected %s)".formatted(
                            series, count, start(minute), kind == Alert.Kind.SPIKE ? "above" : "below",
                            rounded(band.low()), rounded(band.high()), rounded(band.expected()))));
        } else {
            streak = append(streak, count, rule.baselineMinutes());
            if (streak.length == rule.baselineMinutes()) {
                baseline = streak;
                streak = new long[0];
                AlertRule.Band level = rule.band(baseline);
                alerts.add(alert(series, minute, Alert.State.RESOLVED, firing, count, level,
                        "%s: %d minutes in a row outside the normal band, up to the minute from %s: their level,"
                                .formatted(series, rule.baselineMinutes(), start(minute))
                                + " %s a minute, is the new normal".formatted(rounded(level.expected()))));
                firing = null;
            }
        }
        return alerts;
    }

    /**
     * Whether the series is quiet enough to forget: no alert firing and no event in its last
     * warm-up's worth of minutes. It is judged afresh, after a warm-up, if it comes back.
     */
    public boolean forgettable(AlertRule rule) {
        if (firing != null || baseline.length < rule.warmUpMinutes()) return false;
        for (int i = baseline.length - rule.warmUpMinutes(); i < baseline.length; i++) {
            if (baseline[i] != 0) return false;
        }
        return true;
    }

    private static Alert alert(String series, long minute, Alert.State state, Alert.Kind kind, long count,
                               AlertRule.Band band, String message) {
        return new Alert(series, start(minute), state, kind, count, rounded(band.expected()), rounded(band.low()),
                rounded(band.high()), message);
    }

    private static Instant start(long minute) {
        return Instant.ofEpochSecond(minute * 60);
    }

    /** Two decimals: enough for a person, and stable in JSON. */
    private static double rounded(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static long[] append(long[] counts, long count, int capacity) {
        long[] kept = counts.length < capacity
                ? Arrays.copyOf(counts, counts.length + 1)
                : Arrays.copyOfRange(counts, 1, counts.length + 1);
        kept[kept.length - 1] = count;
        return kept;
    }
}
