package dev.eddy.model.funnels;

import java.time.Instant;
import java.util.List;

/**
 * One row of the funnels view: of the sessions that started in the event-time minute
 * [start, start + 1 min), how many reached each step of the funnel ({@link Funnel#reached}), in
 * the steps' order, so {@code reached.get(0)} is the sessions that entered it. A session counts
 * in the minute it started, as soon as the job has its events: a later event of it (or one late
 * event joining two sessions) can still add steps until it is over.
 *
 * @param funnel the funnel's name
 * @param reached sessions per step, as many as the funnel has steps, never increasing
 */
public record FunnelMetric(String funnel, Instant start, List<Long> reached) {
    public FunnelMetric {
        reached = List.copyOf(reached);
    }
}
