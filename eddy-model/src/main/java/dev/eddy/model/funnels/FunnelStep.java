package dev.eddy.model.funnels;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.EventType;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * One step of a {@link Funnel}: the events that make it. Written {@code page:Home} (a page or
 * screen call with that {@code name}, as Segment's {@code analytics.page("Home")} sends it) or
 * {@code track:Order Completed} (a track call with that event name); in YAML also as a one-key
 * mapping, {@code - page: Home}. Names match exactly, case included.
 */
public record FunnelStep(Kind kind, String name) implements Serializable {

    /** What a step matches on. */
    public enum Kind {
        /** Page and screen calls by their {@code name}: app screens are an app's pages. */
        PAGE,
        /** Track calls by their event name. */
        TRACK
    }

    public FunnelStep {
        if (kind == null) throw new IllegalArgumentException("a funnel step needs a kind, page or track");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a funnel step needs a name after its kind");
    }

    public static FunnelStep page(String name) {
        return new FunnelStep(Kind.PAGE, name);
    }

    public static FunnelStep track(String event) {
        return new FunnelStep(Kind.TRACK, event);
    }

    /**
     * {@code page:Home} or {@code track:Order Completed}; spaces around the colon and the name are dropped.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static FunnelStep parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a funnel step: write page:<name> or track:<event name>");
        }
        return of(text.substring(0, colon), text.substring(colon + 1));
    }

    private static FunnelStep of(String kind, String name) {
        Kind parsed = switch (kind.strip().toLowerCase(Locale.ROOT)) {
            case "page" -> Kind.PAGE;
            case "track" -> Kind.TRACK;
            default -> throw new IllegalArgumentException(
                    "'" + kind.strip() + "' is not a funnel step kind: page (page and screen calls by name) or track (by event name)");
        };
        return new FunnelStep(parsed, name.strip());
    }

    /** From the config: {@code "page:Home"} or {@code {page: Home}}. */
    @JsonCreator
    static FunnelStep fromJson(JsonNode node) {
        if (node.isTextual()) return parse(node.textValue());
        if (node.isObject() && node.size() == 1) {
            Map.Entry<String, JsonNode> only = node.fields().next();
            if (only.getValue().isValueNode() && !only.getValue().isNull()) return of(only.getKey(), only.getValue().asText());
        }
        throw new IllegalArgumentException("'" + node + "' is not a funnel step: write page:<name> or track:<event name>");
    }

    /**
     * Whether an event is of this step.
     *
     * @param event a track call's event name
     * @param name a page or screen call's name
     */
    public boolean matches(EventType type, String event, String name) {
        return switch (kind) {
            case PAGE -> (type == EventType.PAGE || type == EventType.SCREEN) && this.name.equals(name);
            case TRACK -> type == EventType.TRACK && this.name.equals(event);
        };
    }

    /** {@code page:Home}: how the config and the query API write it. */
    @JsonValue
    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + name;
    }
}
