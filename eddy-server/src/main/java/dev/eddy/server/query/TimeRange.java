package dev.eddy.server.query;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A query's [from, to) range: both required ISO-8601 instants, aligned down to the minute,
 * from not after to, and no longer than the configured maximum.
 */
record TimeRange(Instant from, Instant to) {

    static TimeRange parse(String from, String to, Duration maxRange) {
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (start.isAfter(end)) {
            throw new QueryError("from", "from (" + start + ") is after to (" + end + ")");
        }
        if (Duration.between(start, end).compareTo(maxRange) > 0) {
            throw new QueryError("to", "range " + Duration.between(start, end) + " is longer than the maximum "
                    + maxRange + " (query.maxRange)");
        }
        return new TimeRange(start, end);
    }

    private static Instant instant(String name, String text) {
        if (text == null || text.isBlank()) {
            throw new QueryError(name, name + " is required: an ISO-8601 instant such as 2026-11-27T10:00:00Z");
        }
        try {
            return Instant.parse(text.trim()).truncatedTo(ChronoUnit.MINUTES);
        } catch (DateTimeParseException e) {
            throw new QueryError(name, "'" + text + "' is not an ISO-8601 instant such as 2026-11-27T10:00:00Z");
        }
    }
}
