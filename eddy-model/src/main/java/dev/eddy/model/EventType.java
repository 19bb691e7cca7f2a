package dev.eddy.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The Segment call types. CloudEvents map to {@link #TRACK}. */
public enum EventType {
    TRACK, PAGE, SCREEN, IDENTIFY, GROUP, ALIAS;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the type for a Segment {@code type} value, or null when it names none */
    @JsonCreator
    public static EventType fromWireName(String name) {
        if (name == null) return null;
        for (EventType t : values()) {
            if (t.wireName().equalsIgnoreCase(name)) return t;
        }
        return null;
    }
}
