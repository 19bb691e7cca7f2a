package dev.eddy.store.metrics;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.UpsertBatch;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;

/**
 * The idempotent write of one {@link MinuteMetric} into a per-minute view ({@link MinuteView}):
 * insert the row, or overwrite its figures when the (minute, name) row exists. Writing the same
 * figures twice leaves the same row, so an at-least-once writer replaying after a restore yields
 * exact views.
 *
 * <p>A live figure never overwrites a final row. A minute is final for good once event time
 * passed it (a late event re-emits it final), so a live figure after a final one only comes from
 * a job restored from a checkpoint taken before the minute went final: while it replays, the row
 * would show {@code final: false} again, with the smaller figures of the checkpoint, until the
 * replay makes it final again with the same figures as before.
 * Standard MERGE, because H2 has no {@code ON CONFLICT} and PostgreSQL (15+) has MERGE.
 */
public final class MetricsUpsert {

    /**
     * Parameters: minute start, name, count, users, final. The casts give PostgreSQL the types of
     * the VALUES row, which it cannot infer from bare parameters. Format arguments: table, name
     * column, its length.
     */
    private static final String SQL = """
            MERGE INTO %1$s t
            USING (VALUES (CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(%3$d)),
                           CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BOOLEAN)))
                  AS s (minute_start, %2$s, event_count, users, is_final)
            ON t.minute_start = s.minute_start AND t.%2$s = s.%2$s
            WHEN MATCHED AND (s.is_final OR NOT t.is_final) THEN UPDATE SET
                event_count = s.event_count, users = s.users, is_final = s.is_final,
                updated_at = CURRENT_TIMESTAMP
            WHEN NOT MATCHED THEN INSERT
                (minute_start, %2$s, event_count, users, is_final, updated_at)
                VALUES (s.minute_start, s.%2$s, s.event_count, s.users, s.is_final,
                        CURRENT_TIMESTAMP)
            """;

    private MetricsUpsert() {}

    /** The upsert into {@code view}, whose parameters {@link #bind} sets. */
    public static String sql(MinuteView view) {
        return SQL.formatted(view.table(), view.nameColumn(), view.nameChars());
    }

    /** Binds one metric to the parameters of {@link #sql}. */
    public static void bind(PreparedStatement statement, MinuteMetric metric) throws SQLException {
        statement.setObject(1, OffsetDateTime.ofInstant(metric.start(), ZoneOffset.UTC));
        statement.setString(2, metric.event());
        statement.setLong(3, metric.count());
        statement.setLong(4, metric.users());
        statement.setBoolean(5, metric.isFinal());
    }

    /**
     * Upserts the metrics in one transaction, in list order, so a later figure for the same key
     * overwrites an earlier one.
     */
    public static void upsertAll(DataSource dataSource, MinuteView view, List<MinuteMetric> metrics) {
        UpsertBatch.upsertAll(dataSource, sql(view), MetricsUpsert::bind, metrics, view.table());
    }
}
