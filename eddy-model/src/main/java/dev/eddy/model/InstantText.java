package dev.eddy.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * RFC 3339 date-times as events carry them, read and written without {@code java.time.format}:
 * ingest parses up to three of them per event and the canonical record holds four, and the
 * formatter's general machinery (a field map filled and resolved per date-time) took some 15 %
 * of the HTTP threads' time in a profile of {@code /v1/batch} at steady state.
 *
 * <p>Only the common shape is handled here, {@code uuuu-MM-ddTHH:mm:ss[.f…]} with one to nine
 * fraction digits and {@code Z} or {@code ±HH:MM}, in upper case, for years 0000 to 9999; every
 * value of it gets exactly what {@code OffsetDateTime.parse(text).toInstant()} and
 * {@code Instant.parse(text)} give. Anything else is left to {@code java.time} by the callers,
 * which decides (lower case {@code t}, offsets with seconds, signed years, …), so this never
 * changes what is accepted, only how fast.
 */
public final class InstantText {

    private static final long SECONDS_PER_DAY = 86_400;
    private static final int MAX_OFFSET_HOURS = 18;
    private static final long FIRST_DAY_OF_0000 = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long LAST_DAY_OF_9999 = LocalDate.of(9999, 12, 31).toEpochDay();

    private InstantText() {}

    /**
     * @return the instant of an RFC 3339 date-time of the common shape, or null when the text
     *     has another shape or names no valid date (the caller then asks {@code java.time})
     */
    public static Instant parse(String s) {
        int length = s.length();
        if (length < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) return null;
        int offsetAt = length - 1;
        int offsetSeconds = 0;
        if (s.charAt(offsetAt) != 'Z') {
            offsetAt = length - 6;
            offsetSeconds = offsetSeconds(s, offsetAt);
            if (offsetSeconds == Integer.MIN_VALUE) return null;
        }
        int nanos = 0;
        if (offsetAt > 19) {
            int fractionDigits = offsetAt - 20;
            if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) return null;
            nanos = digits(s, 20, offsetAt);
            if (nanos < 0) return null;
            for (int i = fractionDigits; i < 9; i++) nanos *= 10;
        } else if (offsetAt != 19) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException noSuchDate) {
            return null;
        }
        long secondOfDay = (hour * 60L + minute) * 60 + second;
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + secondOfDay - offsetSeconds, nanos);
    }

    /** @return the seconds of {@code ±HH:MM} at {@code at}, or {@code Integer.MIN_VALUE} when it is none */
    private static int offsetSeconds(String s, int at) {
        char sign = s.charAt(at);
        if ((sign != '+' && sign != '-') || s.charAt(at + 3) != ':') return Integer.MIN_VALUE;
        int hours = digits(s, at + 1, at + 3);
        int minutes = digits(s, at + 4, at + 6);
        if (hours < 0 || minutes < 0 || minutes > 59 || hours > MAX_OFFSET_HOURS
                || (hours == MAX_OFFSET_HOURS && minutes > 0)) {
            return Integer.MIN_VALUE;
        }
        int seconds = (hours * 60 + minutes) * 60;
        return sign == '-' ? -seconds : seconds;
    }

    /** @return the decimal value of {@code s[from, to)}, or -1 when a char is not an ASCII digit */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * The text {@code Instant.toString()} gives (ISO-8601 in UTC, the fraction in groups of three
     * digits, none when zero), without its formatter for years 0000 to 9999.
     */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        long epochDay = Math.floorDiv(seconds, SECONDS_PER_DAY);
        if (epochDay < FIRST_DAY_OF_0000 || epochDay > LAST_DAY_OF_9999) return instant.toString();
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        int nanos = instant.getNano();
        char[] text = new char[30];
        int at = 0;
        at = put(text, at, date.getYear(), 4);
        text[at++] = '-';
        at = put(text, at, date.getMonthValue(), 2);
        text[at++] = '-';
        at = put(text, at, date.getDayOfMonth(), 2);
        text[at++] = 'T';
        at = put(text, at, secondOfDay / 3600, 2);
        text[at++] = ':';
        at = put(text, at, secondOfDay / 60 % 60, 2);
        text[at++] = ':';
        at = put(text, at, secondOfDay % 60, 2);
        if (nanos > 0) {
            text[at++] = '.';
            if (nanos % 1_000_000 == 0) {
                at = put(text, at, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                at = put(text, at, nanos / 1_000, 6);
            } else {
                at = put(text, at, nanos, 9);
            }
        }
        text[at++] = 'Z';
        return new String(text, 0, at);
    }

    /** Writes {@code value} zero-padded to {@code width} digits. */
    private static int put(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }
}
