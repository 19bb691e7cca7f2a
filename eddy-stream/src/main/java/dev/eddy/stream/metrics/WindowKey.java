package dev.eddy.stream.metrics;

import dev.eddy.stream.event.AnalyticsEvent;

/**
 * The key of the per-minute metrics: one series in one event-time minute; in the pages step, one
 * page in one minute.
 */
public record WindowKey(String series, long minuteStart) {

    public static WindowKey of(AnalyticsEvent event) {
        return new WindowKey(event.series(), MinuteWindow.startOf(event.timestampMillis()));
    }

    /** The window of the page the event views ({@link AnalyticsEvent#viewsPage()}). */
    public static WindowKey ofPage(AnalyticsEvent event) {
        return new WindowKey(event.page(), MinuteWindow.startOf(event.timestampMillis()));
    }
}
