package dev.eddy.stream.funnels;

import dev.eddy.stream.sessions.SessionSpans;
import java.util.Arrays;

/**
 * One funnel's figures for the sessions started in one minute, and where their emission stands.
 *
 * @param total the minute's deltas summed
 * @param dirty whether the figures changed since they were last emitted
 * @param updateTimer the processing time of the pending update timer, or {@link SessionSpans#NO_TIMER}
 */
public record FunnelTally(FunnelDelta total, boolean dirty, long updateTimer) {

    /** Nothing yet for the funnel, minute and definition of {@code delta}. */
    public static FunnelTally emptyFor(FunnelDelta delta) {
        return new FunnelTally(FunnelDelta.zero(delta.funnel(), delta.definition(), delta.reached().length,
                delta.minuteStart()), false, SessionSpans.NO_TIMER);
    }

    /** With the delta summed in; dirty if it changes the row (a session ending changes no figure of it). */
    public FunnelTally plus(FunnelDelta delta) {
        boolean changesRow = Arrays.stream(delta.reached()).anyMatch(count -> count != 0);
        return new FunnelTally(total.plus(delta), dirty || changesRow, updateTimer);
    }

    public boolean updateScheduled() {
        return updateTimer != SessionSpans.NO_TIMER;
    }

    public FunnelTally scheduled(long timer) {
        return new FunnelTally(total, dirty, timer);
    }

    public FunnelTally withoutUpdateTimer() {
        return new FunnelTally(total, dirty, SessionSpans.NO_TIMER);
    }

    public FunnelTally emitted() {
        return new FunnelTally(total, false, updateTimer);
    }
}
