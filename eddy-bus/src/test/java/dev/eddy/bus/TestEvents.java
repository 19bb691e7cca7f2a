package dev.eddy.bus;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import java.time.Instant;

/** Fixed events covering each way an event is keyed and typed on the bus. */
public final class TestEvents {

    public static final Instant T0 = Instant.parse("2025-03-01T12:00:00.123Z");

    private TestEvents() {}

    /** A Segment track event of a known user. */
    public static Event track(String messageId, String userId, String name, Instant timestamp) {
        ObjectNode properties = JsonNodeFactory.instance.objectNode().put("price", 12).put("plan", "pro");
        return new Event(messageId, EventType.TRACK, name, null, userId, null, null, null, null,
                timestamp, timestamp, timestamp, timestamp.plusMillis(40), properties, null, null);
    }

    /** A Segment page call of an anonymous visitor. */
    public static Event anonymousPage(String messageId, String anonymousId, Instant timestamp) {
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.putObject("page").put("path", "/pricing");
        return new Event(messageId, EventType.PAGE, null, "Pricing", null, anonymousId, null, null, null,
                timestamp, null, null, timestamp.plusMillis(7), null, context, null);
    }

    /** A CloudEvent without subject: keyed by its source. */
    public static Event cloudEvent(String id, String source, String type, Instant timestamp) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("sku", "A-17");
        return new Event(id, EventType.TRACK, type, null, null, null, null, null, source,
                timestamp, null, null, timestamp, data, null, null);
    }
}
