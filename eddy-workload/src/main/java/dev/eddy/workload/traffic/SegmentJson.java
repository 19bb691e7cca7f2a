package dev.eddy.workload.traffic;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Renders a generated {@link Event} as a Segment HTTP API message. No {@code sentAt}: without
 * it the server keeps the client timestamp as the event time, so ground truth stays exact.
 */
final class SegmentJson {

    private SegmentJson() {}

    /**
     * {@code yyyy-MM-ddTHH:mm:ss.SSSZ}: fixed-width milliseconds, so the rendering does not depend
     * on trailing zeros. Written by hand because it runs for every generated message.
     */
    static String timestamp(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(24);
        pad(text, t.getYear(), 4).append('-');
        pad(text, t.getMonthValue(), 2).append('-');
        pad(text, t.getDayOfMonth(), 2).append('T');
        pad(text, t.getHour(), 2).append(':');
        pad(text, t.getMinute(), 2).append(':');
        pad(text, t.getSecond(), 2).append('.');
        return pad(text, t.getNano() / 1_000_000, 3).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder text, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) text.append('0');
        return text.append(digits);
    }

    static ObjectNode render(Event event) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", event.type().wireName());
        json.put("messageId", event.messageId());
        json.put("timestamp", timestamp(event.timestamp()));
        if (event.userId() != null) json.put("userId", event.userId());
        if (event.anonymousId() != null) json.put("anonymousId", event.anonymousId());
        if (event.event() != null) json.put("event", event.event());
        if (event.name() != null) json.put("name", event.name());
        if (!event.properties().isEmpty()) json.set("properties", event.properties());
        if (!event.traits().isEmpty()) json.set("traits", event.traits());
        if (!event.context().isEmpty()) json.set("context", event.context());
        return json;
    }
}
