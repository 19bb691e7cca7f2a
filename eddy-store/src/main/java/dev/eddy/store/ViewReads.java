package dev.eddy.store;

import dev.eddy.model.config.EddyConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The views' database as the query API reads it: each statement may run for {@code timeout} at
 * most, so that a query over a long range of a busy view answers with an error in time, rather
 * than hold one of the pool's few connections, and the dashboard's next queries behind it, for
 * minutes.
 *
 * @param timeout whole seconds, as JDBC times statements ({@code query.timeout})
 */
public record ViewReads(DataSource dataSource, Duration timeout) {

    /** PostgreSQL's {@code query_canceled}, which its driver reports for a statement out of time. */
    private static final String QUERY_CANCELED = "57014";

    public ViewReads {
        Objects.requireNonNull(dataSource, "dataSource");
        if (timeout.toMillis() % 1000 != 0 || timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("timeout must be whole seconds, at least 1, got " + timeout);
        }
    }

    /** With the default {@code query.timeout}. */
    public static ViewReads of(DataSource dataSource) {
        return new ViewReads(dataSource, EddyConfig.defaults().query().timeout());
    }

    /** A statement of a read, given {@link #timeout} to run. */
    public PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout((int) timeout.toSeconds());
        return statement;
    }

    /**
     * What a failed read of {@code view} throws: {@link QueryTimedOut} when the database stopped it
     * for its time (H2 says so with a {@link SQLTimeoutException}, PostgreSQL's driver with the
     * state {@code 57014}), else a {@link StoreException}.
     */
    public StoreException failure(String view, SQLException e) {
        if (e instanceof SQLTimeoutException || QUERY_CANCELED.equals(e.getSQLState())) {
            return new QueryTimedOut(view, timeout, e);
        }
        return new StoreException("reading " + view + " failed", e);
    }

    /** A read stopped by the database for running longer than {@link #timeout}. */
    public static final class QueryTimedOut extends StoreException {
        private final Duration timeout;

        QueryTimedOut(String view, Duration timeout, SQLException cause) {
            super("reading " + view + " took longer than " + timeout.toSeconds() + " s", cause);
            this.timeout = timeout;
        }

        public Duration timeout() {
            return timeout;
        }
    }
}
