package dev.eddy.model.funnels;

import dev.eddy.model.EventType;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A funnel: steps a visitor takes in order within one session (see {@code SessionMetric}). A
 * session reaches step n when it has events of steps 1 to n at non-decreasing event times; it
 * enters the funnel with step 1. Of several ways through, the one reaching furthest counts:
 * each step is taken at the first event of it at or after the step before (events at the same
 * millisecond in the steps' order). A session counts at most once per step.
 *
 * @param name how the config and the query API name it
 * @param steps two or more, none twice
 */
public record Funnel(String name, List<FunnelStep> steps) implements Serializable {

    /** Steps of all funnels together the job can follow: one bit each in a long. */
    public static final int MAX_STEPS_IN_ALL = 64;
    public static final int MIN_STEPS = 2;
    public static final int MAX_STEPS = 16;

    /** @throws IllegalArgumentException when the steps are too few, too many or one comes twice (the config says which) */
    public Funnel {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
        if (steps.size() < MIN_STEPS || steps.size() > MAX_STEPS || new HashSet<>(steps).size() < steps.size()) {
            throw new IllegalArgumentException("funnel " + name + ": from " + MIN_STEPS + " to " + MAX_STEPS
                    + " steps, none twice, not " + steps);
        }
    }

    /** The index of the step an event is of, or -1 for none (at most one: no step comes twice). */
    public int stepOf(EventType type, String event, String eventName) {
        for (int s = 0; s < steps.size(); s++) {
            if (steps.get(s).matches(type, event, eventName)) return s;
        }
        return -1;
    }

    /**
     * How far the time-sorted events of one session go: {@code 0} when none is the first step.
     * The definition, as plainly as it can be written; the analytics job computes the same by
     * other means, the tests' ground truth by this one.
     *
     * @param sorted a session's events, in event-time order, each as the index of the step it
     *     is of ({@code -1} for none) and its time
     */
    public int reached(List<Step> sorted) {
        int reached = 0;
        int i = 0;
        while (i < sorted.size()) {
            // events of one millisecond in the steps' order
            int j = i;
            while (j < sorted.size() && sorted.get(j).time() == sorted.get(i).time()) j++;
            boolean moved = true;
            while (moved && reached < steps.size()) {
                moved = false;
                for (int k = i; k < j; k++) {
                    if (sorted.get(k).step() == reached) {
                        reached++;
                        moved = true;
                        break;
                    }
                }
            }
            i = j;
        }
        return reached;
    }

    /** An event of a session as {@link #reached} takes it. */
    public record Step(int step, long time) {}
}
