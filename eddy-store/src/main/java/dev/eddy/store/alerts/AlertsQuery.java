package dev.eddy.store.alerts;

import dev.eddy.model.alerts.Alert;
import dev.eddy.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads the alerts view. */
public final class AlertsQuery {

    private static final String SELECT = """
            SELECT series, minute_start, state, kind, event_count, expected, low, high, message
            FROM alerts
            WHERE minute_start >= ? AND minute_start < ?""";

    /**
     * By minute, then series in Java's order (not the database's collation, see the metrics
     * query), then as they were raised: a minute that ends one alert and starts the other kind
     * resolved first.
     */
    private static final Comparator<Alert> ORDER = Comparator.comparing(Alert::minute)
            .thenComparing(Alert::series)
            .thenComparing(alert -> alert.state() == Alert.State.FIRING);

    /** Most alerts one query returns: a range with more is one to narrow. */
    public static final int MAX_ROWS = 10_000;

    private final DataSource dataSource;

    public AlertsQuery(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The alerts of the minutes that start in [from, to), optionally of one series only.
     *
     * @throws TooManyAlerts when more than {@link #MAX_ROWS} match
     */
    public List<Alert> alerts(Instant from, Instant to, Optional<String> series) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(series, "series");
        String sql = SELECT + (series.isPresent() ? " AND series = ?" : "");
        List<Alert> alerts = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setMaxRows(MAX_ROWS + 1);
            statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            statement.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            if (series.isPresent()) statement.setString(3, series.get());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    alerts.add(new Alert(
                            rows.getString(1),
                            rows.getObject(2, OffsetDateTime.class).toInstant(),
                            Alert.State.valueOf(rows.getString(3).toUpperCase(Locale.ROOT)),
                            Alert.Kind.valueOf(rows.getString(4).toUpperCase(Locale.ROOT)),
                            rows.getLong(5),
                            rows.getDouble(6),
                            rows.getDouble(7),
                            rows.getDouble(8),
                            rows.getString(9)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading alerts failed", e);
        }
        if (alerts.size() > MAX_ROWS) throw new TooManyAlerts();
        alerts.sort(ORDER);
        return alerts;
    }

    /** More alerts match than {@link #MAX_ROWS}: the caller must narrow the range or name one series. */
    public static final class TooManyAlerts extends RuntimeException {
        TooManyAlerts() {
            super("more than " + MAX_ROWS + " alerts match", null, false, false);
        }
    }
}
