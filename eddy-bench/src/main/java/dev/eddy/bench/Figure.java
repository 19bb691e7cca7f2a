package dev.eddy.bench;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One measured figure; for the throughput figures also the baseline measured in the same run
 * and {@code ratio = value / baseline}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Figure(String name, double value, String unit, Double baseline, Double ratio) {

    public static Figure of(String name, double value, String unit) {
        return new Figure(name, round(value, 1), unit, null, null);
    }

    /** The ratio is computed from the rounded figures, so a reader of the JSON gets the same. */
    public static Figure compared(String name, double value, String unit, double baseline) {
        double v = round(value, 1);
        double b = round(baseline, 1);
        return new Figure(name, v, unit, b, round(v / b, 3));
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
