-- The alerts view (dev.eddy.model.alerts.Alert), one row per alert, upserted by the Flink job
-- by its id (series@minute/state): a job restored from a checkpoint writes the same alerts
-- again. Written to run unchanged on H2 2.x and PostgreSQL 15, as V1.
CREATE TABLE alerts (
    id           VARCHAR(300)             NOT NULL,
    series       VARCHAR(200)             NOT NULL,
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    state        VARCHAR(10)              NOT NULL,
    kind         VARCHAR(10)              NOT NULL,
    event_count  BIGINT                   NOT NULL,
    expected     DOUBLE PRECISION         NOT NULL,
    low          DOUBLE PRECISION         NOT NULL,
    high         DOUBLE PRECISION         NOT NULL,
    message      VARCHAR(2000)            NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX alerts_by_minute ON alerts (minute_start);
