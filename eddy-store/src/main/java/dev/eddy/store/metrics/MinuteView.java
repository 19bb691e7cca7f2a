package dev.eddy.store.metrics;

import dev.eddy.model.metrics.ViewLimits;

/**
 * The per-minute views: a row per event-time minute and name ({@link
 * dev.eddy.model.metrics.MinuteMetric}), in tables whose columns are the same but for the name's,
 * so that one upsert ({@link MetricsUpsert}) and one reader ({@link MetricsQuery}) serve them all.
 */
public enum MinuteView {

    /** Each series (a track event's name, or page, or screen): events and distinct users. */
    EVENTS("event_metrics", "event", ViewLimits.MAX_EVENT_NAME_CHARS),

    /** Each page (a web page's path, or a mobile screen's name): page views and distinct visitors. */
    PAGES("page_metrics", "page", ViewLimits.MAX_PAGE_CHARS);

    private final String table;
    private final String nameColumn;
    private final int nameChars;

    MinuteView(String table, String nameColumn, int nameChars) {
        this.table = table;
        this.nameColumn = nameColumn;
        this.nameChars = nameChars;
    }

    String table() {
        return table;
    }

    /** The column that holds {@link dev.eddy.model.metrics.MinuteMetric#event()}. */
    String nameColumn() {
        return nameColumn;
    }

    /** The name column's length, in the units of {@link ViewLimits}. */
    int nameChars() {
        return nameChars;
    }
}
