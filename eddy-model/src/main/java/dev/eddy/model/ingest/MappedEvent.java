package dev.eddy.model.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.Event;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of mapping one message of a request: either a canonical {@link Event} or the
 * complete list of what is wrong with the message, never both.
 *
 * @param index position in the request (see {@link FieldError#index()})
 * @param event the canonical event, null when invalid
 * @param errors every error found in the message, empty when valid
 * @param raw the message as received, kept for {@code eddy.events.invalid}
 */
public record MappedEvent(int index, Event event, List<FieldError> errors, JsonNode raw) {

    public MappedEvent {
        errors = List.copyOf(errors);
        if ((event == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a mapped event has either an event or errors");
        }
    }

    public static MappedEvent valid(int index, Event event, JsonNode raw) {
        return new MappedEvent(index, Objects.requireNonNull(event, "event"), List.of(), raw);
    }

    public static MappedEvent invalid(int index, List<FieldError> errors, JsonNode raw) {
        return new MappedEvent(index, null, errors, raw);
    }

    /** A request-level failure (index {@link FieldError#REQUEST}): the request yields no message at all. */
    public static MappedEvent rejectedRequest(String field, String message, JsonNode raw) {
        return invalid(FieldError.REQUEST, List.of(new FieldError(FieldError.REQUEST, field, message)), raw);
    }

    public boolean isValid() {
        return event != null;
    }
}
