package dev.eddy.handlers;

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
        if (types.isEmpty() && trackNames.isEmpty()) return true;
        if (types.contains(event.type())) return true;
        return event.type() == EventType.TRACK && event.event() != null && trackNames.contains(event.event());
    }
}
