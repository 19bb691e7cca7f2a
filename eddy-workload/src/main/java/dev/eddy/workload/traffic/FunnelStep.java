package dev.eddy.workload.traffic;

import dev.eddy.model.EventType;
import java.util.Objects;

/**
 * One step of a simulated session's path: a page view (a screen view on mobile devices) or a
 * track event, and the probability that the session goes on to the next step after it.
 */
public record FunnelStep(EventType type, String name, double continueProbability) {

    public FunnelStep {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (type != EventType.PAGE && type != EventType.TRACK) {
            throw new IllegalArgumentException("a funnel step is a page or a track event, not " + type);
        }
        if (name.isBlank()) throw new IllegalArgumentException("a funnel step needs a name");
        if (!(continueProbability >= 0 && continueProbability <= 1)) {
            throw new IllegalArgumentException("continueProbability must be in [0, 1]: " + continueProbability);
        }
    }

    /** A page view named {@code name} (a screen view for sessions on mobile devices). */
    public static FunnelStep page(String name, double continueProbability) {
        return new FunnelStep(EventType.PAGE, name, continueProbability);
    }

    /** A track event named {@code event}. */
    public static FunnelStep track(String event, double continueProbability) {
        return new FunnelStep(EventType.TRACK, event, continueProbability);
    }

    /** The step as a funnel of the analytics job takes it: its page steps match the screen calls on mobile too. */
    public dev.eddy.model.funnels.FunnelStep toModel() {
        return type == EventType.PAGE ? dev.eddy.model.funnels.FunnelStep.page(name) : dev.eddy.model.funnels.FunnelStep.track(name);
    }
}
