package dev.eddy.model.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.InstantText;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Decides an event's time from the client's clock and the server's.
 *
 * <p>Segment's skew correction: when the client says when it sent the request ({@code sentAt}),
 * the gap between its event time and its send time is trusted but its absolute clock is not,
 * so {@code timestamp = receivedAt - (sentAt - clientTimestamp)}. A result further than
 * {@code maxFutureSkew} ahead of {@code receivedAt} is clamped to {@code receivedAt}: one device
 * with a broken clock must not push event time (and the watermark) forward for everyone. So is
 * one before 1970, which only a broken clock or a sentAt that contradicts the timestamp gives, and
 * which the views' databases may not hold (PostgreSQL's timestamps end at 4713 BC).
 *
 * <p>Date-times are RFC 3339's, as Segment and CloudEvents send them: four-digit years. Java's
 * ISO parser also takes signed years of up to nine digits, whose skew correction would leave the
 * range of {@link Instant}.
 */
final class EventClock {

    /** Where a clamp is recorded in the event's context: {@code context.eddy}. */
    static final String CONTEXT_KEY = "eddy";

    private final Duration maxFutureSkew;

    EventClock(Duration maxFutureSkew) {
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("maxFutureSkew must not be negative: " + maxFutureSkew);
        }
        this.maxFutureSkew = maxFutureSkew;
    }

    /**
     * @param clientTimestamp the client's event time, or null
     * @param sentAt the client's send time, or null (no skew correction then)
     * @param context the event's context, where a clamp is flagged
     * @return the event time to use
     */
    Instant eventTime(Instant clientTimestamp, Instant sentAt, Instant receivedAt, ObjectNode context) {
        if (clientTimestamp == null) return receivedAt;
        Instant corrected = sentAt == null
                ? clientTimestamp
                : receivedAt.minus(Duration.between(clientTimestamp, sentAt));
        if (corrected.isAfter(receivedAt.plus(maxFutureSkew)) || corrected.isBefore(Instant.EPOCH)) {
            ObjectNode eddy = context.get(CONTEXT_KEY) instanceof ObjectNode existing
                    ? existing
                    : context.putObject(CONTEXT_KEY);
            eddy.put("clamped", true);
            eddy.put("clientTimestamp", clientTimestamp.toString());
            return receivedAt;
        }
        return corrected;
    }

    /**
     * Parses an ISO-8601 / RFC 3339 date-time with an offset ({@code Z} or {@code +02:00});
     * a local date-time without offset is ambiguous and rejected.
     *
     * @return the instant, or null when the text is not such a date-time
     */
    static Instant parseInstant(String text) {
        Instant common = InstantText.parse(text);
        if (common != null) return common;
        // a year beyond four digits comes with a sign: +10000, -0001
        if (text.isEmpty() || !Character.isDigit(text.charAt(0))) return null;
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
