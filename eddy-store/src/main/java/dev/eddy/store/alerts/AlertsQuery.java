package dev.eddy.store.alerts;

import dev.eddy.model.alerts.Alert;
import dev.eddy.store.MinuteRange;
import dev.eddy.store.ViewReads;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** Reads the alerts view. */
public final class AlertsQuery {

    private static final String SELECT =
            "SELECT series, minute_start, state, kind, event_count, expected, low, high, message FROM alerts";

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

    private final ViewReads reads;

    public AlertsQuery(ViewReads reads) {
        this.reads = Objects.requireNonNull(reads, "reads");
    }

    /**
     * The alerts of the minutes that start in [from, to), optionally of one series only.
     *
     * @throws TooManyAlerts when more than {@link #MAX_ROWS} match
     */
    public List<Alert> alerts(Instant from, Instant to, Optional<String> series) {
        List<Alert> alerts = MinuteRange.read(reads, SELECT, "series", from, to, series, MAX_ROWS,
                AlertsQuery::alert, "alerts");
        if (alerts.size() > MAX_ROWS) throw new TooManyAlerts();
        alerts.sort(ORDER);
        return alerts;
    }

    private static Alert alert(ResultSet row) throws SQLException {
        return new Alert(row.getString(1), row.getObject(2, OffsetDateTime.class).toInstant(),
                Alert.State.valueOf(row.getString(3).toUpperCase(Locale.ROOT)),
                Alert.Kind.valueOf(row.getString(4).toUpperCase(Locale.ROOT)),
                row.getLong(5), row.getDouble(6), row.getDouble(7), row.getDouble(8), row.getString(9));
    }

    /** More alerts match than {@link #MAX_ROWS}: the caller must narrow the range or name one series. */
    public static final class TooManyAlerts extends RuntimeException {
        TooManyAlerts() {
            super("more than " + MAX_ROWS + " alerts match", null, false, false);
        }
    }
}
