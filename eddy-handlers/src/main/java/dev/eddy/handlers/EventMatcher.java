package dev.eddy.handlers;

import dev.eddy.bus.publish.CloudEventHeaders;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which events a handler takes: those of its call types, and the track events of its names. With
 * neither given it takes every event.
 */
public record EventMatcher(Set<EventType> types, Set<String> trackNames) {

    public EventMatcher {
        types = Set.copyOf(types);
        trackNames = Set.copyOf(trackNames);
    }

    /** From a handler's {@code types} (wire names, validated by the config) and {@code events}. */
    public static EventMatcher of(List<String> types, List<String> trackNames) {
        return new EventMatcher(types.stream().map(EventType::fromWireName).collect(Collectors.toSet()),
                Set.copyOf(trackNames));
    }

    public boolean matches(Event event) {
        return matches(event.type(), event.event());
    }

    /**
     * Whether the event whose {@code ce_type} header this is may match, without decoding it: the
     * header is the track event's name, or {@code segment.<type>} for the other calls and a track
     * call without a name (see {@code CloudEventHeaders}). Never false for an event that matches;
     * true for some that do not (a track event named {@code segment.page} reads like a page call),
     * which decoding then settles. Most events a handler passes over are passed over on this.
     */
    public boolean mayMatchCeType(String ceType) {
        if (matches(EventType.TRACK, ceType)) return true;
        if (!ceType.startsWith(CloudEventHeaders.SEGMENT_TYPE_PREFIX)) return false;
        EventType type = EventType.fromWireName(ceType.substring(CloudEventHeaders.SEGMENT_TYPE_PREFIX.length()));
        return type != null && matches(type, null);
    }

    private boolean matches(EventType type, String trackName) {
        if (types.isEmpty() && trackNames.isEmpty()) return true;
        if (types.contains(type)) return true;
        return type == EventType.TRACK && trackName != null && trackNames.contains(trackName);
    }
}
