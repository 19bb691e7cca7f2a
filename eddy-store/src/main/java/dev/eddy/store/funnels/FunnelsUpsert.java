package dev.eddy.store.funnels;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.store.UpsertBatch;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * The idempotent write of one {@link FunnelMetric} into {@code funnel_metrics}, by its funnel and
 * minute: each of its steps' rows inserted, or overwritten. The job writes a minute's whole row each
 * time it changes, so the last write holds the minute's figures, and a replay after a restore writes
 * the same ones again. As in the sessions view, a later row may hold smaller figures (a late event
 * joins two sessions), so no figure is kept against a later one.
 *
 * <p>One statement per row, whatever its number of steps, because the Flink JDBC sink binds one
 * statement per record: the statement has a source row for each of the {@link Funnel#MAX_STEPS}
 * steps a funnel can have, and those beyond the row's steps, left null, are not written.
 * Standard MERGE, because H2 has no {@code ON CONFLICT} and PostgreSQL (15+) has MERGE.
 */
public final class FunnelsUpsert {

    /**
     * Parameters: funnel, minute start, then the sessions of steps 0 to {@link Funnel#MAX_STEPS} - 1,
     * null for the steps the funnel does not have. The casts give PostgreSQL the types of the
     * source, which it cannot infer from bare parameters.
     */
    public static final String SQL = """
            MERGE INTO funnel_metrics t
            USING (SELECT CAST(? AS VARCHAR(63)) AS funnel, CAST(? AS TIMESTAMP WITH TIME ZONE) AS minute_start,
                          v.step, v.sessions
                   FROM (VALUES %s) AS v (step, sessions)
                   WHERE v.sessions IS NOT NULL) AS s
            ON t.funnel = s.funnel AND t.minute_start = s.minute_start AND t.step = s.step
            WHEN MATCHED THEN UPDATE SET sessions = s.sessions, updated_at = CURRENT_TIMESTAMP
            WHEN NOT MATCHED THEN INSERT (funnel, minute_start, step, sessions, updated_at)
                VALUES (s.funnel, s.minute_start, s.step, s.sessions, CURRENT_TIMESTAMP)
            """.formatted(IntStream.range(0, Funnel.MAX_STEPS)
                    .mapToObj(step -> "(" + step + ", CAST(? AS BIGINT))")
                    .collect(Collectors.joining(", ")));

    private FunnelsUpsert() {}

    /**
     * Binds one minute's row to the parameters of {@link #SQL}.
     *
     * @throws IllegalArgumentException when the row has more steps than a funnel can
     */
    public static void bind(PreparedStatement statement, FunnelMetric metric) throws SQLException {
        List<Long> reached = metric.reached();
        if (reached.size() > Funnel.MAX_STEPS) {
            throw new IllegalArgumentException("funnel " + metric.funnel() + ": " + reached.size()
                    + " steps, at most " + Funnel.MAX_STEPS);
        }
        statement.setString(1, metric.funnel());
        statement.setObject(2, OffsetDateTime.ofInstant(metric.start(), ZoneOffset.UTC));
        for (int step = 0; step < Funnel.MAX_STEPS; step++) {
            if (step < reached.size()) {
                statement.setLong(3 + step, reached.get(step));
            } else {
                statement.setNull(3 + step, Types.BIGINT);
            }
        }
    }

    /** Upserts the rows in one transaction, in list order: a later row of the same funnel and minute wins. */
    public static void upsertAll(DataSource dataSource, List<FunnelMetric> rows) {
        UpsertBatch.upsertAll(dataSource, SQL, FunnelsUpsert::bind, rows, "funnel_metrics");
    }
}
