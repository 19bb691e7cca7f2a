package dev.eddy.bus.publish;

import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import dev.eddy.model.InstantText;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The CloudEvents Kafka protocol binding (binary mode) attributes of an {@link Event}: each
 * record on {@code eddy.events} is a CloudEvent whose data is the canonical JSON value, so a
 * CloudEvents-aware consumer can read the bus without knowing Eddy.
 *
 * <ul>
 *   <li>{@code ce_type}: a track event's name (for a CloudEvent that is its original type);
 *       for the other Segment calls, which have no name of their own, {@code segment.<type>},
 *       e.g. {@code segment.page}.
 *   <li>{@code ce_source}: the CloudEvent's source, or {@code eddy:segment} for Segment events.
 *   <li>{@code ce_time}: the event time in ISO-8601 UTC.
 * </ul>
 *
 * Nothing secret is copied: the write key never reaches the bus.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    /** The binding maps {@code datacontenttype} to the plain {@code content-type} header. */
    public static final String CONTENT_TYPE = "content-type";

    public static final String SEGMENT_SOURCE = "eddy:segment";
    public static final String SEGMENT_TYPE_PREFIX = "segment.";

    private CloudEventHeaders() {}

    public static Headers of(Event event) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, SPEC_VERSION, "1.0");
        add(headers, ID, event.messageId());
        add(headers, TYPE, typeOf(event));
        add(headers, SOURCE, event.source() != null ? event.source() : SEGMENT_SOURCE);
        add(headers, TIME, InstantText.format(event.timestamp()));
        add(headers, CONTENT_TYPE, "application/json");
        return headers;
    }

    /** {@code ce_type}: the track event's name, else {@code segment.<type>}. */
    public static String typeOf(Event event) {
        if (event.type() == EventType.TRACK && event.event() != null) return event.event();
        return SEGMENT_TYPE_PREFIX + event.type().wireName();
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
