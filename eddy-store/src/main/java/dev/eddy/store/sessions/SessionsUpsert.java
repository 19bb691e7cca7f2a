package dev.eddy.store.sessions;

import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.store.UpsertBatch;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;

/**
 * The idempotent write of one {@link SessionMetric} into {@code session_metrics}, by its minute:
 * insert the row, or overwrite all its figures. The job writes a minute's whole row each time it
 * changes, so the last write holds the minute's figures, and a replay after a restore writes the
 * same ones again.
 *
 * <p>Unlike the per-minute metrics, a later row may hold smaller figures: an event that arrives
 * late between two sessions of a visitor joins them, and the minute of the second has one session
 * fewer. So no figure is kept against a later one.
 * Standard MERGE, because H2 has no {@code ON CONFLICT} and PostgreSQL (15+) has MERGE.
 */
public final class SessionsUpsert {

    /**
     * Parameters: minute start, sessions, ended, length in ms, events, bounces. The casts give
     * PostgreSQL the types of the VALUES row, which it cannot infer from bare parameters.
     */
    public static final String SQL = """
            MERGE INTO session_metrics t
            USING (VALUES (CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS BIGINT), CAST(? AS BIGINT),
                           CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT)))
                  AS s (minute_start, sessions, ended, length_millis, events, bounces)
            ON t.minute_start = s.minute_start
            WHEN MATCHED THEN UPDATE SET
                sessions = s.sessions, ended = s.ended, length_millis = s.length_millis, events = s.events,
                bounces = s.bounces, updated_at = CURRENT_TIMESTAMP
            WHEN NOT MATCHED THEN INSERT
                (minute_start, sessions, ended, length_millis, events, bounces, updated_at)
                VALUES (s.minute_start, s.sessions, s.ended, s.length_millis, s.events, s.bounces,
                        CURRENT_TIMESTAMP)
            """;

    private SessionsUpsert() {}

    /** Binds one minute's row to the parameters of {@link #SQL}. */
    public static void bind(PreparedStatement statement, SessionMetric metric) throws SQLException {
        statement.setObject(1, OffsetDateTime.ofInstant(metric.start(), ZoneOffset.UTC));
        statement.setLong(2, metric.sessions());
        statement.setLong(3, metric.ended());
        statement.setLong(4, metric.lengthMillis());
        statement.setLong(5, metric.events());
        statement.setLong(6, metric.bounces());
    }

    /** Upserts the rows in one transaction, in list order: a later row of the same minute wins. */
    public static void upsertAll(DataSource dataSource, List<SessionMetric> rows) {
        UpsertBatch.upsertAll(dataSource, SQL, SessionsUpsert::bind, rows, "session_metrics");
    }
}
