package dev.eddy.model.sessions;

import java.time.Instant;

/**
 * One row of the sessions view: the sessions that started in the event-time minute
 * [start, start + 1 min). A session is one visitor's ({@code Event#visitorKey()}) counted events
 * (track, page, screen) with no gap between two of them longer than the session gap
 * ({@code stream.sessionGap}); it starts at its first event and is over once event time passed its
 * last event by the gap. The figures of a session count in the minute it started; the length,
 * events and bounces only once it is over, so they add up over any range of minutes.
 *
 * @param sessions sessions that started in the minute
 * @param ended of them, those over
 * @param lengthMillis the ended ones' lengths summed, each from its first event to its last
 * @param events the ended ones' events summed
 * @param bounces the ended ones of a single event
 */
public record SessionMetric(Instant start, long sessions, long ended, long lengthMillis, long events, long bounces) {}
