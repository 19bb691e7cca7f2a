package dev.eddy.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the rows of a view whose {@code minute_start} lies in [from, to), optionally of one name
 * only, and at most one more than a limit: one more tells the caller there are too many, without
 * reading them all (a whole range of a busy view could exhaust the heap Eddy shares with the
 * broker and the job).
 */
public final class MinuteRange {

    /** Reads one row of a result set. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /**
     * Most rows one query of a per-minute view returns ({@link #readCapped}): some 40 MB on the heap
     * with their JSON, while a whole {@code query.maxRange} of every series could be millions, enough
     * to exhaust Eddy's heap, and with it the broker and the job beside it.
     */
    public static final int MAX_ROWS = 100_000;

    /** The condition that {@code minute_start} lies in [from, to), whose parameters {@link #bind} sets. */
    public static final String CONDITION = "minute_start >= ? AND minute_start < ?";

    private MinuteRange() {}

    /** Sets the parameters of {@link #CONDITION}, the first two of the statement. */
    public static void bind(PreparedStatement statement, Instant from, Instant to) throws SQLException {
        statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        statement.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
    }

    /**
     * The rows of [from, to), optionally of one name only, as {@link #read} reads them, but at most
     * {@link #MAX_ROWS} of them.
     *
     * @throws TooManyRows when more match
     */
    public static <T> List<T> readCapped(ViewReads reads, String select, String nameColumn, Instant from,
                                         Instant to, Optional<String> name, RowReader<T> reader, String view) {
        return readCapped(reads, select, nameColumn, from, to, name, "", reader, view);
    }

    /**
     * As {@link #readCapped(ViewReads, String, String, Instant, Instant, Optional, RowReader, String)},
     * of the rows {@code grouping} makes of them, so that a view of several rows a minute can answer a
     * row a minute, and the cap counts those.
     *
     * @param grouping what follows the condition, e.g. {@code GROUP BY minute_start ORDER BY minute_start}
     * @throws TooManyRows when more match
     */
    public static <T> List<T> readCapped(ViewReads reads, String select, String nameColumn, Instant from,
                                         Instant to, Optional<String> name, String grouping, RowReader<T> reader,
                                         String view) {
        List<T> rows = read(reads, select, nameColumn, from, to, name, grouping, MAX_ROWS, reader, view);
        if (rows.size() > MAX_ROWS) throw new TooManyRows();
        return rows;
    }

    /**
     * @param select a {@code SELECT … FROM view} without a {@code WHERE}
     * @param nameColumn the column {@code name} is compared with; null for a view without names
     * @param limit the most rows the caller answers with; up to {@code limit + 1} are returned
     * @param view the view's name, for the error
     * @throws ViewReads.QueryTimedOut when the read runs longer than the reads' timeout
     */
    public static <T> List<T> read(ViewReads reads, String select, String nameColumn, Instant from, Instant to,
                                   Optional<String> name, int limit, RowReader<T> reader, String view) {
        return read(reads, select, nameColumn, from, to, name, "", limit, reader, view);
    }

    private static <T> List<T> read(ViewReads reads, String select, String nameColumn, Instant from, Instant to,
                                    Optional<String> name, String grouping, int limit, RowReader<T> reader,
                                    String view) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(name, "name");
        String sql = select + " WHERE " + CONDITION
                + (name.isPresent() ? " AND " + nameColumn + " = ?" : "")
                + (grouping.isEmpty() ? "" : " " + grouping);
        List<T> rows = new ArrayList<>();
        try (Connection connection = reads.dataSource().getConnection();
                PreparedStatement statement = reads.prepare(connection, sql)) {
            statement.setMaxRows(limit + 1);
            bind(statement, from, to);
            if (name.isPresent()) statement.setString(3, name.get());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) rows.add(reader.read(result));
            }
        } catch (SQLException e) {
            throw reads.failure(view, e);
        }
        return rows;
    }

    /** More rows match than {@link #MAX_ROWS}: the caller must narrow the range, or ask for one name of the view. */
    public static final class TooManyRows extends RuntimeException {
        TooManyRows() {
            super("more than " + MAX_ROWS + " rows match", null, false, false);
        }
    }
}
