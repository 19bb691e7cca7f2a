package dev.eddy.model.metrics;

import java.time.Instant;

/**
 * What a row of the views can hold, on H2 and on PostgreSQL alike. Ingest refuses input beyond
 * these, the analytics job skips records beyond them (a record written straight to
 * {@code eddy.events} skips ingest), and the query API refuses parameters beyond them: a value
 * the database cannot take would fail the job's sink on every replay, or a query with a 500.
 */
public final class ViewLimits {

    /**
     * Longest event name (a series), in UTF-16 units: the views' event column is 200 long, and
     * H2 counts it in those units (most emoji take two), PostgreSQL in characters. A longer name
     * would be cut there, and two names alike in their first 200 would share, and overwrite, one
     * row.
     */
    public static final int MAX_EVENT_NAME_CHARS = 200;

    /**
     * Longest page in the pages view, in UTF-16 units (see {@link #MAX_EVENT_NAME_CHARS}): a path
     * is not refused at ingest for its length, as an event name is, so the job cuts a longer one
     * ({@link #fitPage}), and the query API looks a page up cut the same way.
     */
    public static final int MAX_PAGE_CHARS = 500;

    /** Earliest minute a view holds: PostgreSQL's timestamps end at 4713 BC, Java's and H2's elsewhere. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    /** Latest instant a view holds: years of four digits. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private ViewLimits() {}

    /**
     * Why {@code name} cannot be an event name in the views, or null when it can: over
     * {@link #MAX_EVENT_NAME_CHARS}, or holding the NUL character, which PostgreSQL's text
     * cannot store.
     */
    public static String eventNameProblem(String name) {
        if (name.length() > MAX_EVENT_NAME_CHARS) {
            return "must be at most " + MAX_EVENT_NAME_CHARS
                    + " characters (UTF-16 units: most emoji count two), got " + name.length();
        }
        if (name.indexOf('\u0000') >= 0) {
            return "must not contain the NUL character (U+0000), which PostgreSQL cannot store";
        }
        return null;
    }

    /**
     * {@code page} as the pages view holds it: cut to {@link #MAX_PAGE_CHARS} (never between the
     * two halves of a surrogate pair), NUL characters replaced by U+FFFD. Pages that share their
     * first 500 characters share a row: paths that long are rare, and are usually one page with
     * a long query.
     */
    public static String fitPage(String page) {
        String fitted = page.indexOf('\u0000') >= 0 ? page.replace('\u0000', '\uFFFD') : page;
        if (fitted.length() <= MAX_PAGE_CHARS) return fitted;
        int end = Character.isHighSurrogate(fitted.charAt(MAX_PAGE_CHARS - 1)) ? MAX_PAGE_CHARS - 1 : MAX_PAGE_CHARS;
        return fitted.substring(0, end);
    }

    /** Whether an event time, in epoch milliseconds, lies in the years a view holds (1 to 9999). */
    public static boolean holds(long epochMillis) {
        return epochMillis >= EARLIEST.toEpochMilli() && epochMillis <= LATEST.toEpochMilli();
    }
}
