package dev.eddy.server.query;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A figure per count, as the query API answers it: exact decimal division rounded half up, and null
 * when the count is zero, where a zero would read as a real figure.
 */
final class Ratio {

    /** A fraction to a ten-thousandth, a hundredth of a percent. */
    static final int RATE_DECIMALS = 4;

    private Ratio() {}

    /** {@code figure / count} rounded half up to {@code decimals}, or null when {@code count} is 0. */
    static Double of(BigDecimal figure, long count, int decimals) {
        if (count == 0) return null;
        return figure.divide(BigDecimal.valueOf(count), decimals, RoundingMode.HALF_UP).doubleValue();
    }
}
