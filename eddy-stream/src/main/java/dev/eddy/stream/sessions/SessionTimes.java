package dev.eddy.stream.sessions;

import dev.eddy.stream.metrics.MinuteWindow;
import dev.eddy.stream.time.DurationChecks;
import java.io.Serializable;
import java.time.Duration;

/**
 * When a session is over and when nothing can change it any more.
 *
 * @param gapMs the longest quiet stretch inside a session
 * @param retentionMs how long after its end a session may still be touched by an event: the
 *     allowed lateness, a minute and a margin. The series step refuses an event once its minute
 *     ended the allowed lateness before its watermark, and an event may be up to a minute before
 *     its minute's end; the sessions' watermark is the lowest of the series steps' but those of
 *     idle inputs, and an instance whose inputs just went idle moves its event time on only at
 *     its next tick, so for a moment the sessions' watermark may lead it: the margin covers that.
 */
public record SessionTimes(long gapMs, long retentionMs) implements Serializable {

    /** Far more than the series step's idle tick (a second), for any lead of the sessions' watermark. */
    static final long WATERMARK_LEAD_MARGIN_MS = MinuteWindow.SIZE_MS;

    public static SessionTimes of(Duration gap, Duration allowedLateness) {
        return new SessionTimes(DurationChecks.positive(gap, "gap").toMillis(),
                DurationChecks.notNegative(allowedLateness, "allowedLateness").toMillis() + MinuteWindow.SIZE_MS
                        + WATERMARK_LEAD_MARGIN_MS);
    }

    /** When a session whose last event is at {@code last} is over, unless an event comes by then. */
    public long end(long last) {
        return last + gapMs;
    }

    /** When no accepted event can touch a session whose last event is at {@code last} any more. */
    public long forgottenAt(long last) {
        return end(last) + retentionMs;
    }

    /**
     * The earliest time an accepted event may have while event time is at {@code watermark}: one
     * touching a session forgotten then ({@link #forgottenAt}) would be earlier. No watermark yet
     * ({@link Long#MIN_VALUE}): any.
     */
    public long earliestToCome(long watermark) {
        return watermark <= Long.MIN_VALUE + retentionMs ? Long.MIN_VALUE : watermark - retentionMs + 1;
    }

    /**
     * When no accepted event can change the sessions started in a minute any more, given the
     * latest last event time of those sessions: none can start in the minute, nor touch one of them.
     */
    public long minuteForgottenAt(long minuteStart, long latestEnd) {
        return Math.max(minuteStart + MinuteWindow.SIZE_MS, end(latestEnd)) + retentionMs;
    }
}
