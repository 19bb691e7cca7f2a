-- The funnels view (dev.eddy.model.funnels.FunnelMetric), one row per funnel, event-time minute in
-- which sessions started, and step (0-based, in the funnel's order): of those sessions, how many
-- reached the step. Upserted by the Flink job, a minute's steps all together, whenever they change;
-- a job restored from a checkpoint writes the same rows again. The figures add up over minutes, so
-- a range's rates are sums divided. The minute is minute_start, as in the other views (MINUTE is a
-- keyword of H2), funnel is a funnel's name as the config allows it. Written to run unchanged on H2
-- 2.x and PostgreSQL 15, as V1.
CREATE TABLE funnel_metrics (
    funnel       VARCHAR(63)              NOT NULL,
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    step         INT                      NOT NULL,
    sessions     BIGINT                   NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (funnel, minute_start, step)
);

-- The steps each funnel's rows in funnel_metrics were counted for, as a JSON array of the steps as
-- the config writes them (["page:Home","track:Order Completed"]): a funnel whose steps changed in
-- the config starts over (dev.eddy.store.funnels.FunnelDefinitions). 16 steps of names of up to a
-- few thousand characters each fit.
CREATE TABLE funnel_definitions (
    funnel VARCHAR(63)    NOT NULL,
    steps  VARCHAR(65536) NOT NULL,
    PRIMARY KEY (funnel)
);
