package dev.eddy.stream.metrics;

/**
 * Event-time arithmetic of the one-minute windows [start, start + 1 min), with Flink's
 * conventions: a window is complete once the watermark reaches its last millisecond, and is
 * dropped once the watermark reaches that plus the allowed lateness.
 */
public final class MinuteWindow {

    public static final long SIZE_MS = 60_000L;

    private MinuteWindow() {}

    /** The start of the minute holding {@code timestampMillis} (also before 1970). */
    public static long startOf(long timestampMillis) {
        return Math.floorDiv(timestampMillis, SIZE_MS) * SIZE_MS;
    }

    /** The window's last millisecond: the watermark reaching it makes the figures final. */
    public static long maxTimestamp(long start) {
        return start + SIZE_MS - 1;
    }

    /** When the window's state is dropped: after this no event can update it any more. */
    public static long cleanupTime(long start, long allowedLatenessMs) {
        return maxTimestamp(start) + allowedLatenessMs;
    }

    /** Whether the watermark has passed the window, so its figures are final. */
    public static boolean isComplete(long start, long watermark) {
        return maxTimestamp(start) <= watermark;
    }

    /** Whether an event for the window comes too late to be counted. */
    public static boolean isTooLate(long start, long watermark, long allowedLatenessMs) {
        return cleanupTime(start, allowedLatenessMs) <= watermark;
    }
}
