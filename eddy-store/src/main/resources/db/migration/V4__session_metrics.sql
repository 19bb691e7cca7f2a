-- The sessions view (dev.eddy.model.sessions.SessionMetric), one row per event-time minute in
-- which sessions started, upserted by the Flink job by its minute: the job writes a minute's whole
-- row again whenever its figures change, and a job restored from a checkpoint writes the same rows
-- again. The four figures of the ended sessions add up over minutes, so a range's averages are
-- sums divided, never averages averaged. Written to run unchanged on H2 2.x and PostgreSQL 15, as V1.
CREATE TABLE session_metrics (
    minute_start  TIMESTAMP WITH TIME ZONE NOT NULL,
    sessions      BIGINT                   NOT NULL,
    ended         BIGINT                   NOT NULL,
    length_millis BIGINT                   NOT NULL,
    events        BIGINT                   NOT NULL,
    bounces       BIGINT                   NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (minute_start)
);
