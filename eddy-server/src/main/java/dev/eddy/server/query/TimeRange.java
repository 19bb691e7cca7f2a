package dev.eddy.server.query;

import dev.eddy.model.metrics.ViewLimits;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A query's [from, to) range: both required ISO-8601 instants in the years 1 to 9999, aligned
 * down to the minute, from not after to, and no longer than the configured maximum.
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
        Instant instant;
        try {
            instant = Instant.parse(text.trim()).truncatedTo(ChronoUnit.MINUTES);
        } catch (DateTimeParseException e) {
            throw new QueryError(name, "'" + text + "' is not an ISO-8601 instant such as 2026-11-27T10:00:00Z");
        }
        // the database could not take it: PostgreSQL's timestamps end at 4713 BC
        if (!ViewLimits.holds(instant.toEpochMilli())) {
            throw new QueryError(name, "'" + text + "' is outside the years 1 to 9999");
        }
        return instant;
    }
}
