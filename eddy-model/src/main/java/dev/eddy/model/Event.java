package dev.eddy.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * The canonical event: what ingest writes to {@code eddy.events} and what every stage reads.
 *
 * <p>Field names and meanings are Segment's, so a Segment payload maps onto it one to one.
 * {@code source} is set only for CloudEvents: their identity is (source, id), and an event
 * without subject is keyed by its source.
 *
 * <p>The JSON objects ({@code properties}, {@code context}, {@code traits}) belong to the
 * event once it is built: the mapping code creates them fresh and nothing mutates them after.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
        String messageId,
        EventType type,
        String event,
        String name,
        String userId,
        String anonymousId,
        String groupId,
        String previousId,
        String source,
        Instant timestamp,
        Instant originalTimestamp,
        Instant sentAt,
        Instant receivedAt,
        ObjectNode properties,
        ObjectNode context,
        ObjectNode traits) {

    public Event {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timestamp, "timestamp");
        properties = properties == null ? JsonNodeFactory.instance.objectNode() : properties;
        context = context == null ? JsonNodeFactory.instance.objectNode() : context;
        traits = traits == null ? JsonNodeFactory.instance.objectNode() : traits;
    }

    /**
     * Dedup identity: the messageId for Segment events, (source, id) for CloudEvents, whose ids
     * are only unique per source.
     */
    @JsonIgnore
    public String dedupKey() {
        return dedupKey(source, messageId);
    }

    /** {@link #dedupKey()} from the two fields, for readers that do not build the whole event. */
    public static String dedupKey(String source, String messageId) {
        return source == null ? messageId : "ce:" + source + "#" + messageId;
    }

    /** Kafka key on {@code eddy.events}: the user, so one user's events stay in order. */
    @JsonIgnore
    public String partitionKey() {
        if (userId != null) return userId;
        if (anonymousId != null) return anonymousId;
        return source;
    }

    /**
     * The user counted for distinct users: userId and anonymousId in separate namespaces, so
     * an anonymous id never collides with a known user's id. Null for a CloudEvent without
     * subject, which has no user.
     */
    @JsonIgnore
    public String userKey() {
        return userKey(userId, anonymousId);
    }

    /** {@link #userKey()} from the two fields, for readers that do not build the whole event. */
    public static String userKey(String userId, String anonymousId) {
        if (userId != null) return "u:" + userId;
        if (anonymousId != null) return "a:" + anonymousId;
        return null;
    }

    /**
     * The visitor whose sessions the event counts in: the anonymousId when there is one (a
     * browser or app install, which Segment's libraries send with every call, before and after
     * the user logs in), else the userId (a server-side call); in the namespaces of
     * {@link #userKey()}. Null when the event has neither.
     */
    @JsonIgnore
    public String visitorKey() {
        return visitorKey(userId, anonymousId);
    }

    /** {@link #visitorKey()} from the two fields, for readers that do not build the whole event. */
    public static String visitorKey(String userId, String anonymousId) {
        if (anonymousId != null) return "a:" + anonymousId;
        if (userId != null) return "u:" + userId;
        return null;
    }
}
