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
     * Code-point order of event names: the database's own string order depends on its
     * collation (a PostgreSQL locale sorts "page" before "Signup", H2 after), and the API must
     * answer the same on both.
     */
    private static final Comparator<MinuteMetric> ORDER =
            Comparator.comparing(MinuteMetric::start).thenComparing(MinuteMetric::event);

    private final DataSource dataSource;

    public MetricsQuery(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The stored rows whose minute starts in [from, to), optionally of one event only, ordered
     * by minute start, then event name. Minutes without a row are absent, not zero.
     */
    public List<MinuteMetric> eventsPerMinute(Instant from, Instant to, Optional<String> event) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(event, "event");
        String sql = SELECT + (event.isPresent() ? " AND event = ?" : "");
        List<MinuteMetric> metrics = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
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
        metrics.sort(ORDER);
        return metrics;
    }
}
