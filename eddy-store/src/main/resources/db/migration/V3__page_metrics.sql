-- The per-minute pages view (dev.eddy.model.metrics.MinuteMetric, its event being the page: a web
-- page's path or a mobile screen's name), one row per event-time minute and page, upserted by the
-- Flink job. The columns are event_metrics' but for the name's, so one upsert and one range reader
-- serve both (dev.eddy.store.metrics.MinuteView); page is ViewLimits.MAX_PAGE_CHARS long. Written
-- to run unchanged on H2 2.x and PostgreSQL 15, as V1.
CREATE TABLE page_metrics (
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    page         VARCHAR(500)             NOT NULL,
    event_count  BIGINT                   NOT NULL,
    users        BIGINT                   NOT NULL,
    is_final     BOOLEAN                  NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (minute_start, page)
);
