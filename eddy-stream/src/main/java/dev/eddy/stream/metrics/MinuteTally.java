package dev.eddy.stream.metrics;

/**
 * The figures of one window and where their emission stands; the distinct users themselves are
 * kept beside it, in a map state.
 *
 * @param count events counted
 * @param users distinct users among them
 * @param dirty whether the figures changed since they were last emitted
 * @param finalized whether the final figures were emitted: stays true after a restore, when the
 *     watermark starts again from nothing, so a final row never turns live again
 * @param updateTimer the processing time of the pending update timer, or {@link #NO_TIMER}
 */
public record MinuteTally(long count, long users, boolean dirty, boolean finalized, long updateTimer) {

    public static final long NO_TIMER = Long.MIN_VALUE;

    public static final MinuteTally EMPTY = new MinuteTally(0, 0, false, false, NO_TIMER);

    /** One more event, by a user not seen in this window yet or not. */
    public MinuteTally add(boolean newUser) {
        return new MinuteTally(count + 1, newUser ? users + 1 : users, true, finalized, updateTimer);
    }

    public boolean updateScheduled() {
        return updateTimer != NO_TIMER;
    }

    public MinuteTally scheduled(long timer) {
        return new MinuteTally(count, users, dirty, finalized, timer);
    }

    public MinuteTally withoutUpdateTimer() {
        return new MinuteTally(count, users, dirty, finalized, NO_TIMER);
    }

    /** After the figures went out: final ones once the window is complete. */
    public MinuteTally emitted(boolean isFinal) {
        return new MinuteTally(count, users, false, finalized || isFinal, updateTimer);
    }
}
