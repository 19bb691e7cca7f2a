package dev.eddy.store.metrics;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.MinuteRange;
import dev.eddy.store.ViewReads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;

/** Reads a per-minute view: its rows, and its names with the highest counts over a range. */
public final class MetricsQuery {

    /**
     * Java's order of names ({@code String.compareTo}, by UTF-16 unit): the database's own string
     * order depends on its collation (a PostgreSQL locale sorts "page" before "Signup", H2 after),
     * and the API must answer the same on both.
     */
    private static final Comparator<MinuteMetric> ORDER =
            Comparator.comparing(MinuteMetric::start).thenComparing(MinuteMetric::event);

    /** The highest count first, and a tie in Java's order of names (see {@link #ORDER}). */
    private static final Comparator<Total> RANK =
            Comparator.comparingLong(Total::count).reversed().thenComparing(Total::name);

    /** Most names {@link #top} ranks. */
    public static final int MAX_TOP = 1000;

    /** Rows of a ranking the database hands over at a time (see {@link #top}). */
    private static final int FETCH_SIZE = 1000;

    private final ViewReads reads;
    private final MinuteView view;
    private final String select;
    private final String ranking;

    public MetricsQuery(ViewReads reads, MinuteView view) {
        this.reads = Objects.requireNonNull(reads, "reads");
        this.view = Objects.requireNonNull(view, "view");
        this.select = "SELECT minute_start, " + view.nameColumn() + ", event_count, users, is_final FROM "
                + view.table();
        // the database keeps the n highest and every name that ties with the n-th: which of a tie
        // it would keep follows its collation, so Java picks among them
        this.ranking = "SELECT " + view.nameColumn() + ", SUM(event_count) AS total FROM " + view.table()
                + " WHERE " + MinuteRange.CONDITION + " GROUP BY " + view.nameColumn()
                + " ORDER BY total DESC FETCH FIRST ? ROWS WITH TIES";
    }

    /**
     * The stored rows whose minute starts in [from, to), optionally of one name only, ordered by
     * minute start, then name. Minutes without a row are absent, not zero.
     *
     * @throws MinuteRange.TooManyRows when more than {@link MinuteRange#MAX_ROWS} rows match
     */
    public List<MinuteMetric> perMinute(Instant from, Instant to, Optional<String> name) {
        List<MinuteMetric> metrics = MinuteRange.readCapped(reads, select, view.nameColumn(), from, to, name,
                MetricsQuery::metric, view.table());
        metrics.sort(ORDER);
        return metrics;
    }

    /**
     * The {@code n} names with the highest sums of counts over the minutes that start in [from,
     * to), highest first, a tie in Java's order of names; fewer when fewer names have rows there.
     * Counts only: distinct users do not add up over minutes.
     *
     * <p>Any number of names can tie with the n-th (a million pages seen once each), so the rows
     * stream through a heap of the best {@code n}: PostgreSQL's driver streams them in {@link
     * #FETCH_SIZE} pieces only inside a transaction, hence the one opened here.
     *
     * @param n 1 to {@link #MAX_TOP}
     * @throws ViewReads.QueryTimedOut when the ranking runs longer than the reads' timeout
     */
    public List<Total> top(Instant from, Instant to, int n) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (n < 1 || n > MAX_TOP) throw new IllegalArgumentException("n must be 1 to " + MAX_TOP + ", got " + n);
        PriorityQueue<Total> best = new PriorityQueue<>(n + 1, RANK.reversed());
        try (Connection connection = reads.dataSource().getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement statement = reads.prepare(connection, ranking)) {
                statement.setFetchSize(FETCH_SIZE);
                MinuteRange.bind(statement, from, to);
                statement.setInt(3, n);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        best.add(new Total(result.getString(1), result.getLong(2)));
                        if (best.size() > n) best.poll();
                    }
                }
            } finally {
                connection.rollback(); // it read only; a commit would fail a transaction a failed read aborted
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw reads.failure(view.table(), e);
        }
        List<Total> ranked = new ArrayList<>(best);
        ranked.sort(RANK);
        return ranked;
    }

    private static MinuteMetric metric(ResultSet row) throws SQLException {
        return new MinuteMetric(row.getObject(1, OffsetDateTime.class).toInstant(), row.getString(2), row.getLong(3),
                row.getLong(4), row.getBoolean(5));
    }
}
