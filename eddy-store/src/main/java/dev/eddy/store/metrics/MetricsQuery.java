package dev.eddy.store.metrics;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.MinuteRange;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads the per-minute metrics view. */
public final class MetricsQuery {

    private static final String SELECT = "SELECT minute_start, event, event_count, users, is_final FROM event_metrics";

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
        List<MinuteMetric> metrics = MinuteRange.read(dataSource, SELECT, "event", from, to, event, MAX_ROWS,
                MetricsQuery::metric, "event_metrics");
        if (metrics.size() > MAX_ROWS) throw new TooManyRows();
        metrics.sort(ORDER);
        return metrics;
    }

    private static MinuteMetric metric(ResultSet row) throws SQLException {
        return new MinuteMetric(row.getObject(1, OffsetDateTime.class).toInstant(), row.getString(2), row.getLong(3),
                row.getLong(4), row.getBoolean(5));
    }

    /** More rows match than {@link #MAX_ROWS}: the caller must narrow the range or name one event. */
    public static final class TooManyRows extends RuntimeException {
        TooManyRows() {
            super("more than " + MAX_ROWS + " rows match", null, false, false);
        }
    }
}
