package dev.eddy.store.alerts;

import dev.eddy.model.alerts.Alert;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The idempotent write of one {@link Alert} into {@code alerts}, by its id: a job restored from a
 * checkpoint writes the alerts that followed it again, the same or (an event late within the
 * allowed lateness counted before the minute was judged, this time) with other figures, which
 * then win, as they did on {@code eddy.alerts}, whose first write was never committed.
 */
public final class AlertsUpsert {

    /** Parameters: id, series, minute start, state, kind, count, expected, low, high, message. */
    public static final String SQL = """
            MERGE INTO alerts t
            USING (VALUES (CAST(? AS VARCHAR(300)), CAST(? AS VARCHAR(200)), CAST(? AS TIMESTAMP WITH TIME ZONE),
                           CAST(? AS VARCHAR(10)), CAST(? AS VARCHAR(10)), CAST(? AS BIGINT),
                           CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION),
                           CAST(? AS VARCHAR(2000))))
                  AS s (id, series, minute_start, state, kind, event_count, expected, low, high, message)
            ON t.id = s.id
            WHEN MATCHED THEN UPDATE SET
                kind = s.kind, event_count = s.event_count, expected = s.expected, low = s.low, high = s.high,
                message = s.message, updated_at = CURRENT_TIMESTAMP
            WHEN NOT MATCHED THEN INSERT
                (id, series, minute_start, state, kind, event_count, expected, low, high, message, updated_at)
                VALUES (s.id, s.series, s.minute_start, s.state, s.kind, s.event_count, s.expected, s.low, s.high,
                        s.message, CURRENT_TIMESTAMP)
            """;

    private AlertsUpsert() {}

    /** Binds one alert to the parameters of {@link #SQL}. */
    public static void bind(PreparedStatement statement, Alert alert) throws SQLException {
        statement.setString(1, alert.id());
        statement.setString(2, alert.series());
        statement.setObject(3, OffsetDateTime.ofInstant(alert.minute(), ZoneOffset.UTC));
        statement.setString(4, alert.state().wireName());
        statement.setString(5, alert.kind().wireName());
        statement.setLong(6, alert.count());
        statement.setDouble(7, alert.expected());
        statement.setDouble(8, alert.low());
        statement.setDouble(9, alert.high());
        statement.setString(10, alert.message());
    }
}
