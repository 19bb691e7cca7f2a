package dev.eddy.stream.event;

import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.ViewLimits;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the analytics job carries per event: the canonical {@link Event} holds Jackson trees that
 * Flink could only serialize with Kryo, so the job reads just the fields it computes on, plus the
 * event's canonical JSON for the one path that must hand the whole event on: too late for its
 * window, it goes to {@code eddy.events.late} unchanged. Window state never keeps the JSON.
 *
 * @param dedupKey {@link Event#dedupKey()}
 * @param series the metric series ({@link #seriesOf(Event)}), or null for types not counted
 * @param page the page viewed ({@link #pageOf(Event)}), or null for events that view none
 * @param userKey {@link Event#userKey()}, null when the event has no user
 * @param visitorKey {@link Event#visitorKey()}, whose sessions the event counts in; null when it has no visitor
 * @param funnelSteps the funnel steps the event is of ({@link Funnels#stepsOf}), 0 for none
 * @param timestampMillis event time, epoch milliseconds
 * @param eventJson the canonical JSON of the event, as read from {@code eddy.events}
 */
@TypeInfo(AnalyticsEventSerializer.Factory.class)
public record AnalyticsEvent(
        String dedupKey, String series, String page, String userKey, String visitorKey, long funnelSteps,
        long timestampMillis, byte[] eventJson) {

    /** With no funnels followed. */
    public static AnalyticsEvent of(Event event, byte[] eventJson) {
        return of(event, eventJson, Funnels.NONE);
    }

    public static AnalyticsEvent of(Event event, byte[] eventJson, Funnels funnels) {
        return new AnalyticsEvent(
                event.dedupKey(), seriesOf(event), pageOf(event), event.userKey(), event.visitorKey(),
                funnels.stepsOf(event.type(), event.event(), event.name()), event.timestamp().toEpochMilli(), eventJson);
    }

    /**
     * The per-minute series an event counts in: the event name for track, {@code page} and
     * {@code screen} for those calls; null for identify, group and alias, which describe users
     * rather than activity, and for a track call without a name.
     */
    public static String seriesOf(Event event) {
        return seriesOf(event.type(), event.event());
    }

    /** {@link #seriesOf(Event)} from the event's type and its {@code event} field (the track name). */
    public static String seriesOf(EventType type, String event) {
        return switch (type) {
            case TRACK -> event == null || event.isBlank() ? null : event;
            case PAGE, SCREEN -> type.wireName();
            case IDENTIFY, GROUP, ALIAS -> null;
        };
    }

    /**
     * The page an event views, as the pages view holds it ({@link ViewLimits#fitPage}): a page
     * call's {@code properties.path} (what Segment's browser library sends, from the address
     * bar), else its name; a screen call's name; null for other types and for a page or screen
     * without either. Paths and screen names share one ranking, as app screens are an app's pages.
     */
    public static String pageOf(Event event) {
        var path = event.properties().get("path");
        return pageOf(event.type(), event.name(), path != null && path.isTextual() ? path.textValue() : null);
    }

    /** {@link #pageOf(Event)} from the type, the {@code name} field and a textual {@code properties.path}. */
    public static String pageOf(EventType type, String name, String path) {
        String page = switch (type) {
            case PAGE -> path != null && !path.isBlank() ? path : name;
            case SCREEN -> name;
            case TRACK, IDENTIFY, GROUP, ALIAS -> null;
        };
        return page == null || page.isBlank() ? null : ViewLimits.fitPage(page);
    }

    /** The same event counted at another time; its JSON, handed on unchanged when late, keeps the original. */
    public AnalyticsEvent at(long otherTimestampMillis) {
        return new AnalyticsEvent(dedupKey, series, page, userKey, visitorKey, funnelSteps, otherTimestampMillis, eventJson);
    }

    /** Whether the event counts in the per-minute metrics. */
    public boolean counted() {
        return series != null;
    }

    /** Whether the event counts in the pages view. */
    public boolean viewsPage() {
        return page != null;
    }
}
