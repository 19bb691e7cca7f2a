package dev.eddy.store.metrics;

import dev.eddy.model.metrics.MinuteMetric;
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
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads the per-minute metrics view. */
public final class MetricsQuery {

    private static final String SELECT = """
            SELECT minute_start, event, event_count, users, is_final
            FROM event_metrics
            WHERE minute_start >= ? AND minute_start < ?""";

    /**
     * Java's order of event names ({@code String.compareTo}, by UTF-16 unit): the database's own
     * string order depends on its collation (a PostgreSQL locale sorts "page" before "Signup", H2
     * after), and the API must answer the same on both.
     */
    private static final Comparator<MinuteMetric> ORDER =
            Comparator.comparing(MinuteMetric::start).thenComparing(MinuteMetric::event);

    /**
     * Most rows one query returns: some 40 MB on the heap with their JSON, while a whole
     * {@code query.maxRange} of every series could be millions, enough to exhaust Eddy's heap,
     * and with it the broker and the job beside it.
     */
    public static final int MAX_ROWS = 100_000;

    private final DataSource dataSource;

    public MetricsQuery(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The stored rows whose minute starts in [from, to), optionally of one event only, ordered
     * by minute start, then event name. Minutes without a row are absent, not zero.
     *
     * @throws TooManyRows when more than {@link #MAX_ROWS} rows match
     */
    public List<MinuteMetric> eventsPerMinute(Instant from, Instant to, Optional<String> event) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(event, "event");
        String sql = SELECT + (event.isPresent() ? " AND event = ?" : "");
        List<MinuteMetric> metrics = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            // one more than allowed tells there are too many without reading them all
            statement.setMaxRows(MAX_ROWS + 1);
            statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            statement.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            if (event.isPresent()) {
                statement.setString(3, event.get());
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    metrics.add(new MinuteMetric(
                            rows.getObject(1, OffsetDateTime.class).toInstant(),
                            rows.getString(2),
                            rows.getLong(3),
                            rows.getLong(4),
                            rows.getBoolean(5)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading event_metrics failed", e);
        }
        if (metrics.size() > MAX_ROWS) throw new TooManyRows();
        metrics.sort(ORDER);
        return metrics;
    }

    /** More rows match than {@link #MAX_ROWS}: the caller must narrow the range or name one event. */
    public static final class TooManyRows extends RuntimeException {
        TooManyRows() {
            super("more than " + MAX_ROWS + " rows match", null, false, false);
        }
    }
}
