package dev.eddy.stream.sessions;

import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.stream.metrics.MinuteWindow;
import java.time.Instant;

/**
 * A change of the figures of the sessions started in one minute, in the terms of
 * {@link SessionMetric}; also a minute's running total ({@link SessionTally}).
 *
 * @param latestEnd the latest last event time of the sessions it counts or retracts, or
 *     {@link Long#MIN_VALUE} for none: a minute is kept until event time passes this far enough
 *     that no event can touch one of its sessions ({@link SessionTimes#minuteForgottenAt})
 */
public record SessionDelta(
        long minuteStart, long sessions, long ended, long lengthMillis, long events, long bounces, long latestEnd) {

    /** What one session counts in the minute it started: just itself while open, all its figures once over. */
    public static SessionDelta of(long first, long last, int events, boolean ended) {
        long minute = MinuteWindow.startOf(first);
        return ended
                ? new SessionDelta(minute, 1, 1, last - first, events, events == 1 ? 1 : 0, last)
                : new SessionDelta(minute, 1, 0, 0, 0, 0, last);
    }

    /** Nothing yet in the minute. */
    public static SessionDelta zero(long minuteStart) {
        return new SessionDelta(minuteStart, 0, 0, 0, 0, 0, Long.MIN_VALUE);
    }

    /** The figures taken back; the latest end stays, as a minute's retention may only grow. */
    public SessionDelta negated() {
        return new SessionDelta(minuteStart, -sessions, -ended, -lengthMillis, -events, -bounces, latestEnd);
    }

    /** Both changes together; expects the same minute. */
    public SessionDelta plus(SessionDelta other) {
        return new SessionDelta(minuteStart, sessions + other.sessions, ended + other.ended,
                lengthMillis + other.lengthMillis, events + other.events, bounces + other.bounces,
                Math.max(latestEnd, other.latestEnd));
    }

    /** Whether it changes no figure. */
    public boolean isZero() {
        return sessions == 0 && ended == 0 && lengthMillis == 0 && events == 0 && bounces == 0;
    }

    /** Whether every session it counts is over. */
    public boolean allEnded() {
        return sessions == ended;
    }

    public SessionMetric row() {
        return new SessionMetric(Instant.ofEpochMilli(minuteStart), sessions, ended, lengthMillis, events, bounces);
    }
}
