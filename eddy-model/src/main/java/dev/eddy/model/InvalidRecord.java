package dev.eddy.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.eddy.model.ingest.FieldError;
import dev.eddy.model.ingest.MappedEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The value written to {@code eddy.events.invalid}: input ingest rejected, with why, so nothing a
 * client sent is lost and a fixed client or a replay can resend it.
 *
 * <p>JSON: {@code {"reason":"…","errors":[{"index":…,"field":"…","message":"…"}],"raw":…,"receivedAt":"…"}}.
 *
 * @param reason a one-line summary: the first error, and how many more there are
 * @param errors every error found
 * @param raw the message as received (without its write key), JSON null when there was none
 * @param receivedAt when the server received the request
 */
public record InvalidRecord(String reason, List<FieldError> errors, JsonNode raw, Instant receivedAt) {

    public InvalidRecord {
        Objects.requireNonNull(reason, "reason");
        errors = List.copyOf(errors);
        raw = raw == null || raw.isMissingNode() ? NullNode.getInstance() : raw;
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** @throws IllegalArgumentException when the mapped event is valid */
    public static InvalidRecord of(MappedEvent rejected, Instant receivedAt) {
        if (rejected.isValid()) {
            throw new IllegalArgumentException("message " + rejected.index() + " is valid, not an invalid record");
        }
        List<FieldError> errors = rejected.errors();
        FieldError first = errors.get(0);
        String reason = (first.field().isEmpty() ? "" : first.field() + ": ") + first.message()
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
        return new InvalidRecord(reason, errors, rejected.raw(), receivedAt);
    }

    public byte[] encode() {
        try {
            return EventJson.MAPPER.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode invalid record: " + reason, e);
        }
    }

    /** @throws IOException when the bytes are not an invalid record */
    public static InvalidRecord decode(byte[] json) throws IOException {
        return EventJson.MAPPER.readValue(json, InvalidRecord.class);
    }
}
