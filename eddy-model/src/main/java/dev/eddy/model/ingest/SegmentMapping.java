package dev.eddy.model.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Maps Segment HTTP Tracking API bodies ({@code /v1/track|page|screen|identify|group|alias|batch})
 * onto canonical {@link Event}s, keeping Segment's field names and meanings.
 *
 * <p>What is kept: messageId, event, name, userId, anonymousId, groupId, previousId, timestamp,
 * originalTimestamp, sentAt, properties, context and traits, whatever the call type (the type only
 * decides which fields are required). {@code writeKey} is never kept, not even in {@code raw}.
 * Every other top-level field of a message ({@code integrations}, {@code channel},
 * {@code category}, {@code version}, a client's {@code receivedAt}, …) is kept verbatim under
 * {@code context.eddy.extra}; a page or screen {@code category} is also copied to
 * {@code properties.category} when the properties have none, as Segment's libraries do.
 *
 * <p>Batch: {@code sentAt} and {@code context} at batch level apply to every message; a message's
 * own {@code sentAt} wins, and its context keys replace the batch's keys of the same name (a
 * shallow merge). Other batch-level fields are ignored.
 *
 * <p>Time: see {@link EventClock}; the client's time is {@code originalTimestamp} when sent, else
 * {@code timestamp}, and is kept as the event's {@code originalTimestamp}.
 *
 * <p>Identity: the client's messageId; without one, {@link MessageIds#derive} of the write key and
 * the message's compact JSON without {@code writeKey} and {@code sentAt} (a retrying client may
 * restamp sentAt, the event is still the same).
 *
 * <p>Errors: a body that is not a JSON object, or a batch whose {@code batch} is not an array or
 * whose batch-level {@code sentAt}/{@code context} is malformed, yields a single
 * {@link MappedEvent} with index {@link FieldError#REQUEST} and no message is mapped. Otherwise
 * there is one {@link MappedEvent} per message, in order, each valid or with all its errors.
 *
 * <p>Thread-safe; one instance serves all requests.
 */
public final class SegmentMapping {

    /** Key under {@code context.eddy} holding top-level fields that have no place in an Event. */
    public static final String EXTRA = "extra";

    private static final String WRITE_KEY = "writeKey";
    private static final Set<String> MAPPED = Set.of(
            "messageId", "type", "event", "name", "userId", "anonymousId", "groupId", "previousId",
            "timestamp", "originalTimestamp", "sentAt", "properties", "context", "traits", WRITE_KEY);
    private static final Map<EventType, String> REQUIRED_BY_TYPE = Map.of(
            EventType.TRACK, "event", EventType.GROUP, "groupId", EventType.ALIAS, "previousId");

    private final EventClock clock;

    /** @param maxFutureSkew how far ahead of receivedAt an event time may be before it is clamped */
    public SegmentMapping(Duration maxFutureSkew) {
        this.clock = new EventClock(maxFutureSkew);
    }

    /** The {@code writeKey} field of a Segment body (an alternative to HTTP Basic auth), or null. */
    public static String writeKeyOf(JsonNode body) {
        JsonNode key = body == null ? null : body.get(WRITE_KEY);
        return key != null && key.isTextual() && !key.textValue().isEmpty() ? key.textValue() : null;
    }

    /**
     * Maps a single call, whose type comes from its route ({@code /v1/track} → TRACK); a
     * {@code type} field in the body is ignored.
     *
     * @return one MappedEvent: index 0, or {@link FieldError#REQUEST} when the body is no object
     */
    public List<MappedEvent> single(EventType routeType, JsonNode body, String writeKey, Instant receivedAt) {
        Objects.requireNonNull(routeType, "routeType");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (!(body instanceof ObjectNode message)) {
            return List.of(MappedEvent.rejectedRequest(FieldError.WHOLE_MESSAGE, "body must be a JSON object", body));
        }
        return List.of(map(0, routeType, message, null, null, writeKey, receivedAt));
    }

    /**
     * Maps a {@code /v1/batch} (or {@code /v1/import}) body:
     * {@code {"batch":[…], "sentAt":…, "context":{…}, "writeKey":…}}. Each message carries its
     * own {@code type}.
     */
    public List<MappedEvent> batch(JsonNode body, String writeKey, Instant receivedAt) {
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (!(body instanceof ObjectNode request)) {
            return List.of(MappedEvent.rejectedRequest(FieldError.WHOLE_MESSAGE, "body must be a JSON object", body));
        }
        MessageFields fields = new MessageFields(FieldError.REQUEST, request);
        JsonNode batch = request.get("batch");
        if (batch == null || batch.isNull()) {
            fields.error("batch", "batch is required");
        } else if (!batch.isArray()) {
            fields.error("batch", "batch must be an array");
        }
        Instant batchSentAt = fields.instant("sentAt");
        ObjectNode batchContext = fields.object("context");
        if (!fields.errors().isEmpty()) {
            return List.of(MappedEvent.invalid(FieldError.REQUEST, fields.errors(), withoutWriteKey(request)));
        }
        List<MappedEvent> mapped = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            JsonNode element = batch.get(i);
            if (element instanceof ObjectNode message) {
                mapped.add(map(i, null, message, batchSentAt, batchContext, writeKey, receivedAt));
            } else {
                mapped.add(MappedEvent.invalid(i,
                        List.of(new FieldError(i, FieldError.WHOLE_MESSAGE, "message must be a JSON object")), element));
            }
        }
        return mapped;
    }

    private MappedEvent map(int index, EventType routeType, ObjectNode message, Instant batchSentAt,
                            ObjectNode batchContext, String writeKey, Instant receivedAt) {
        ObjectNode raw = withoutWriteKey(message);
        byte[] rawBytes = MessageFields.bytes(raw);
        MessageFields fields = new MessageFields(index, message);

        EventType type = routeType != null ? routeType : typeOf(message, fields);
        String messageId = fields.id("messageId");
        String userId = fields.id("userId");
        String anonymousId = fields.id("anonymousId");
        if (userId == null && anonymousId == null && !fields.hasError("userId") && !fields.hasError("anonymousId")) {
            fields.error("userId", "userId or anonymousId is required");
        }
        String event = fields.string("event");
        IngestLimits.checkEventName(fields, "event", event);
        String name = fields.string("name");
        String groupId = fields.id("groupId");
        String previousId = fields.id("previousId");
        String required = type == null ? null : REQUIRED_BY_TYPE.get(type);
        String requiredValue = type == EventType.TRACK ? event : type == EventType.GROUP ? groupId : previousId;
        if (required != null && (requiredValue == null || requiredValue.isEmpty()) && !fields.hasError(required)) {
            fields.error(required, required + " is required for " + type.wireName());
        }
        Instant timestamp = fields.instant("timestamp");
        Instant originalTimestamp = fields.instant("originalTimestamp");
        Instant sentAt = fields.instant("sentAt");
        ObjectNode properties = fields.object("properties");
        ObjectNode context = fields.object("context");
        ObjectNode traits = fields.object("traits");
        FieldError tooLarge = IngestLimits.sizeError(index, rawBytes.length);
        if (tooLarge != null) fields.errors().add(tooLarge);
        if (!fields.errors().isEmpty()) return MappedEvent.invalid(index, fields.errors(), raw);

        ObjectNode eventProperties = properties == null ? JsonNodeFactory.instance.objectNode() : properties.deepCopy();
        ObjectNode eventContext = JsonNodeFactory.instance.objectNode();
        if (batchContext != null) eventContext.setAll(batchContext.deepCopy());
        if (context != null) eventContext.setAll(context.deepCopy());
        keepExtras(type, message, eventProperties, eventContext);

        Instant clientTime = originalTimestamp != null ? originalTimestamp : timestamp;
        Instant effectiveSentAt = sentAt != null ? sentAt : batchSentAt;
        Instant eventTime = clock.eventTime(clientTime, effectiveSentAt, receivedAt, eventContext);
        String id = messageId != null ? messageId : MessageIds.derive(writeKey, identityBytes(raw, rawBytes));
        return MappedEvent.valid(index, new Event(id, type, event, name, userId, anonymousId, groupId, previousId,
                null, eventTime, clientTime, effectiveSentAt, receivedAt, eventProperties, eventContext,
                traits == null ? null : traits.deepCopy()), raw);
    }

    private static EventType typeOf(ObjectNode message, MessageFields fields) {
        JsonNode node = message.get("type");
        if (node == null || node.isNull()) {
            fields.error("type", "type is required");
            return null;
        }
        EventType type = node.isTextual() ? EventType.fromWireName(node.textValue()) : null;
        if (type == null) {
            fields.error("type", "type must be one of track, page, screen, identify, group, alias, got "
                    + MessageFields.quote(node));
        }
        return type;
    }

    private static void keepExtras(EventType type, ObjectNode message, ObjectNode properties, ObjectNode context) {
        ObjectNode extra = null;
        for (Map.Entry<String, JsonNode> field : message.properties()) {
            if (MAPPED.contains(field.getKey())) continue;
            if (extra == null) {
                ObjectNode eddy = context.get(EventClock.CONTEXT_KEY) instanceof ObjectNode existing
                        ? existing
                        : context.putObject(EventClock.CONTEXT_KEY);
                extra = eddy.putObject(EXTRA);
            }
            extra.set(field.getKey(), field.getValue().deepCopy());
        }
        JsonNode category = message.get("category");
        if ((type == EventType.PAGE || type == EventType.SCREEN)
                && category != null && category.isTextual() && !properties.has("category")) {
            properties.put("category", category.textValue());
        }
    }

    /** The bytes a derived messageId hashes: the message without writeKey (already gone) and sentAt. */
    private static byte[] identityBytes(ObjectNode raw, byte[] rawBytes) {
        if (!raw.has("sentAt")) return rawBytes;
        ObjectNode withoutSentAt = JsonNodeFactory.instance.objectNode().setAll(raw);
        withoutSentAt.remove("sentAt");
        return MessageFields.bytes(withoutSentAt);
    }

    /** The message as received minus its write key, a credential that must not reach any topic. */
    private static ObjectNode withoutWriteKey(ObjectNode message) {
        if (!message.has(WRITE_KEY)) return message;
        ObjectNode copy = JsonNodeFactory.instance.objectNode().setAll(message);
        copy.remove(WRITE_KEY);
        return copy;
    }
}
