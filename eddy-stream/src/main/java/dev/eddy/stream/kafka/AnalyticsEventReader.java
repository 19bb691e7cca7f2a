package dev.eddy.stream.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.InstantText;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.event.AnalyticsEvent;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads the {@link AnalyticsEvent} of a canonical {@link EventJson} record: exactly what
 * {@code AnalyticsEvent.of(EventJson.decode(json), json, funnels)} gives, at a fraction of the cost.
 *
 * <p>Decoding the whole {@link Event} builds Jackson trees of its properties, context and traits
 * and parses four instants, only for the job to keep seven values. Instead one streaming pass
 * reads the top-level fields the job needs (and a page's {@code properties.path}) and skips the
 * rest. That pass only accepts records in the shape {@link EventJson#encode} writes (strings as
 * JSON strings, instants as {@code Instant.toString()} does, objects as objects, the required
 * fields present) and checks every field of {@link Event} as strictly as the full decode would,
 * so whatever it accepts the full decode accepts with the same values. Anything else (numbers where strings belong, other date
 * forms, a missing or unknown type, bad JSON) goes to the full decode, which decides.
 */
final class AnalyticsEventReader {

    private static final JsonFactory JSON = EventJson.MAPPER.getFactory();

    /** A field read from the record was null or absent; never a valid instant's millis. */
    private static final long ABSENT = Long.MIN_VALUE;

    private AnalyticsEventReader() {}

    /**
     * @return the record's analytics event, or null when the record is JSON {@code null} (as
     *     {@link EventJson#decode} returns then)
     * @throws IOException when the record is not a canonical event
     */
    static AnalyticsEvent read(byte[] json, Funnels funnels) throws IOException {
        AnalyticsEvent canonical = readCanonical(json, funnels);
        if (canonical != null) return canonical;
        Event event = EventJson.decode(json);
        return event == null ? null : AnalyticsEvent.of(event, json, funnels);
    }

    /** The streaming pass alone: null for any record not in the shape {@link EventJson#encode} writes. */
    static AnalyticsEvent readCanonical(byte[] json, Funnels funnels) {
        try {
            return readCanonicalShape(json, funnels);
        } catch (NotCanonicalShape | IOException e) {
            return null;
        }
    }

    private static AnalyticsEvent readCanonicalShape(byte[] json, Funnels funnels) throws IOException, NotCanonicalShape {
        String messageId = null;
        EventType type = null;
        String eventName = null;
        String name = null;
        String path = null;
        String userId = null;
        String anonymousId = null;
        String source = null;
        long timestamp = ABSENT;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) throw new NotCanonicalShape();
            // duplicate fields: the last one wins, as in the full decode
            for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "messageId" -> messageId = string(parser, value);
                    case "type" -> type = type(parser, value);
                    case "event" -> eventName = string(parser, value);
                    case "userId" -> userId = string(parser, value);
                    case "anonymousId" -> anonymousId = string(parser, value);
                    case "source" -> source = string(parser, value);
                    case "timestamp" -> timestamp = instantMillis(parser, value);
                    case "name" -> name = string(parser, value);
                    case "properties" -> path = pathOfProperties(parser, value);
                    // not needed, but checked so that no record the full decode refuses gets through
                    case "groupId", "previousId" -> string(parser, value);
                    case "originalTimestamp", "sentAt", "receivedAt" -> instantMillis(parser, value);
                    case "context", "traits" -> object(parser, value);
                    default -> parser.skipChildren();
                }
            }
        }
        // the canonical event requires these
        if (messageId == null || type == null || timestamp == ABSENT) throw new NotCanonicalShape();
        return new AnalyticsEvent(Event.dedupKey(source, messageId), AnalyticsEvent.seriesOf(type, eventName),
                AnalyticsEvent.pageOf(type, name, path), Event.userKey(userId, anonymousId),
                Event.visitorKey(userId, anonymousId), funnels.stepsOf(type, eventName, name), timestamp, json);
    }

    /**
     * The {@code path} of a properties object when it is a string, as the full decode's tree would
     * give it (the last of duplicate fields wins, nested fields named so do not count); skips the rest.
     */
    private static String pathOfProperties(JsonParser parser, JsonToken value) throws IOException, NotCanonicalShape {
        if (value == JsonToken.VALUE_NULL) return null;
        if (value != JsonToken.START_OBJECT) throw new NotCanonicalShape();
        String path = null;
        for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
            JsonToken fieldValue = parser.nextToken();
            if (field.equals("path")) path = fieldValue == JsonToken.VALUE_STRING ? parser.getText() : null;
            parser.skipChildren();
        }
        return path;
    }

    private static String string(JsonParser parser, JsonToken value) throws IOException, NotCanonicalShape {
        if (value == JsonToken.VALUE_NULL) return null;
        if (value != JsonToken.VALUE_STRING) throw new NotCanonicalShape();
        return parser.getText();
    }

    private static EventType type(JsonParser parser, JsonToken value) throws IOException, NotCanonicalShape {
        EventType type = EventType.fromWireName(string(parser, value));
        if (type == null) throw new NotCanonicalShape();
        return type;
    }

    private static void object(JsonParser parser, JsonToken value) throws IOException, NotCanonicalShape {
        if (value == JsonToken.VALUE_NULL) return;
        if (value != JsonToken.START_OBJECT) throw new NotCanonicalShape();
        parser.skipChildren();
    }

    private static long instantMillis(JsonParser parser, JsonToken value) throws IOException, NotCanonicalShape {
        String text = string(parser, value);
        return text == null ? ABSENT : canonicalInstantMillis(text);
    }

    /**
     * Epoch millis of {@code uuuu-MM-ddTHH:mm:ss[.f…]Z}, the form of {@code Instant.toString()}
     * for years 0000 to 9999, read by {@link InstantText} (about fifty times faster than
     * {@code Instant.parse}), truncated as {@code toEpochMilli} does. Other forms are left to
     * the full decode.
     */
    private static long canonicalInstantMillis(String s) throws NotCanonicalShape {
        Instant instant = s.endsWith("Z") ? InstantText.parse(s) : null;
        if (instant == null) throw new NotCanonicalShape();
        return instant.toEpochMilli();
    }

    /** The record is not in the shape {@link EventJson#encode} writes; no stack trace, it is not an error. */
    private static final class NotCanonicalShape extends Exception {
        NotCanonicalShape() {
            super(null, null, false, false);
        }
    }
}
