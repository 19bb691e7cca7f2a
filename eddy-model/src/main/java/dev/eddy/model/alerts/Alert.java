package dev.eddy.model.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A change in the anomaly state of one series' per-minute count, as the analytics job writes it
 * to {@code eddy.alerts}: {@link State#FIRING} when a closed minute's count fell outside the band
 * the series' recent minutes predict, {@link State#RESOLVED} when a later minute is back inside
 * it, or when the series has kept its new level for a whole baseline and that became its normal.
 *
 * @param series the track event's name, {@code page} or {@code screen}
 * @param minute the start of the event-time minute whose count changed the state
 * @param count that minute's count
 * @param expected the mean count of the baseline minutes
 * @param low the band's lower bound (never below 0)
 * @param high the band's upper bound
 * @param message what happened, for a person
 */
public record Alert(String series, Instant minute, State state, Kind kind, long count, double expected,
                    double low, double high, String message) {

    public Alert {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(minute, "minute");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /** Whether the alert is starting or ending. */
    public enum State {
        FIRING, RESOLVED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which side of the band the count fell on. */
    public enum Kind {
        SPIKE, DROP;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Unique per series, minute and state: a receiver drops a repeated delivery by it (it is the
     * webhooks' {@code Idempotency-Key}), e.g. {@code Order Completed@2026-11-27T20:31:00Z/firing}.
     */
    @JsonProperty("id")
    public String id() {
        return series + "@" + minute + "/" + state.wireName();
    }
}
