-- The per-minute metrics view (dev.eddy.model.metrics.MinuteMetric), one row per event-time
-- minute and series, upserted by the Flink job. Written to run unchanged on H2 2.x and
-- PostgreSQL 15. Instants are stored as TIMESTAMP WITH TIME ZONE, always written in UTC, so
-- both databases compare and return the same instants whatever the session time zone.
CREATE TABLE event_metrics (
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    event        VARCHAR(200)             NOT NULL,
    event_count  BIGINT                   NOT NULL,
    users        BIGINT                   NOT NULL,
    is_final     BOOLEAN                  NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (minute_start, event)
);
