package dev.eddy.model.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads typed fields of one JSON message and collects an error for each one that has the wrong
 * shape, so a message is reported with all its problems at once. A field that is absent or JSON
 * {@code null} reads as null without error: whether it is required is the caller's rule.
 */
final class MessageFields {

    /** Longest excerpt of a bad value quoted back in an error message. */
    private static final int QUOTE_LIMIT = 64;

    private final int index;
    private final ObjectNode message;
    private final List<FieldError> errors = new ArrayList<>();

    MessageFields(int index, ObjectNode message) {
        this.index = index;
        this.message = message;
    }

    List<FieldError> errors() {
        return errors;
    }

    void error(String field, String text) {
        errors.add(new FieldError(index, field, text));
    }

    boolean hasError(String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }

    /** A non-empty JSON string that must be present. */
    String requiredString(String field) {
        JsonNode node = present(field);
        if (node == null) {
            error(field, field + " is required");
            return null;
        }
        if (!node.isTextual()) {
            error(field, field + " must be a string");
            return null;
        }
        if (node.textValue().isEmpty()) {
            error(field, field + " must not be empty");
            return null;
        }
        return node.textValue();
    }

    /** A JSON string. */
    String string(String field) {
        JsonNode node = present(field);
        if (node == null) return null;
        if (node.isTextual()) return node.textValue();
        error(field, field + " must be a string");
        return null;
    }

    /**
     * An identifier: a string, or a number taken as its decimal text (as Segment accepts for
     * ids). An empty string reads as absent.
     */
    String id(String field) {
        JsonNode node = present(field);
        if (node == null) return null;
        if (node.isTextual()) return node.textValue().isEmpty() ? null : node.textValue();
        if (node.isNumber()) return node.asText();
        error(field, field + " must be a string");
        return null;
    }

    /** An ISO-8601 date-time with offset. */
    Instant instant(String field) {
        JsonNode node = present(field);
        if (node == null) return null;
        Instant instant = node.isTextual() ? EventClock.parseInstant(node.textValue()) : null;
        if (instant == null) {
            error(field, field + " must be an ISO-8601 date-time with offset such as 2024-05-01T12:00:00.000Z, got "
                    + quote(node));
        }
        return instant;
    }

    /** A JSON object. */
    ObjectNode object(String field) {
        JsonNode node = present(field);
        if (node == null) return null;
        if (node instanceof ObjectNode object) return object;
        error(field, field + " must be a JSON object");
        return null;
    }

    private JsonNode present(String field) {
        JsonNode node = message.get(field);
        return node == null || node.isNull() ? null : node;
    }

    /** The value as JSON, cut short so a huge bad value does not bloat the error response. */
    static String quote(JsonNode node) {
        String json = node.toString();
        return json.length() <= QUOTE_LIMIT ? json : json.substring(0, QUOTE_LIMIT) + "…";
    }

    /** Compact JSON bytes of a node: field order as received, so equal input gives equal bytes. */
    static byte[] bytes(JsonNode node) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }
}
