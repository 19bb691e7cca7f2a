package dev.eddy.stream.event;

import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnels;
import java.time.Instant;

/** Canonical events for tests, and their analytics form. */
public final class TestEvents {

    private TestEvents() {}

    public static Event event(String messageId, EventType type, String name, String userId, long timestampMillis) {
        return event(messageId, type, name, userId, null, timestampMillis);
    }

    public static Event event(String messageId, EventType type, String name, String userId, String anonymousId,
                              long timestampMillis) {
        Instant ts = Instant.ofEpochMilli(timestampMillis);
        return new Event(messageId, type, name, null, userId, anonymousId, null, null, null,
                ts, ts, ts, ts, null, null, null);
    }

    public static Event track(String messageId, String name, String userId, long timestampMillis) {
        return event(messageId, EventType.TRACK, name, userId, timestampMillis);
    }

    public static AnalyticsEvent analytics(Event event) {
        return AnalyticsEvent.of(event, EventJson.encode(event));
    }

    public static AnalyticsEvent analytics(Event event, Funnels funnels) {
        return AnalyticsEvent.of(event, EventJson.encode(event), funnels);
    }

    public static AnalyticsEvent analyticsTrack(String messageId, String name, String userId, long timestampMillis) {
        return analytics(track(messageId, name, userId, timestampMillis));
    }
}
