package dev.eddy.stream.sessions;

/**
 * The figures of the sessions started in one minute, and where their emission stands.
 *
 * @param total the minute's deltas summed
 * @param dirty whether the figures changed since they were last emitted
 * @param updateTimer the processing time of the pending update timer, or {@link SessionSpans#NO_TIMER}
 */
public record SessionTally(SessionDelta total, boolean dirty, long updateTimer) {

    public static SessionTally empty(long minuteStart) {
        return new SessionTally(SessionDelta.zero(minuteStart), false, SessionSpans.NO_TIMER);
    }

    public SessionTally plus(SessionDelta delta) {
        return new SessionTally(total.plus(delta), true, updateTimer);
    }

    public boolean updateScheduled() {
        return updateTimer != SessionSpans.NO_TIMER;
    }

    public SessionTally scheduled(long timer) {
        return new SessionTally(total, dirty, timer);
    }

    public SessionTally withoutUpdateTimer() {
        return new SessionTally(total, dirty, SessionSpans.NO_TIMER);
    }

    public SessionTally emitted() {
        return new SessionTally(total, false, updateTimer);
    }
}
