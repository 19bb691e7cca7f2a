package dev.eddy.store.metrics;

import dev.eddy.store.DatabaseAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import dev.eddy.store.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-minute metrics view on a real PostgreSQL 15 server, a fresh database per test. */
class PostgresMetricsStoreIT extends MetricsStoreContract {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Override
    DatabaseAddress freshDatabase() {
        return POSTGRES.freshDatabase("metrics");
    }

    /** A transaction holding the table's strongest lock, which every read waits for; closed, it rolls back. */
    @Override
    AutoCloseable slowingReads(DatabaseAddress address, String table) throws SQLException {
        Connection connection = DriverManager.getConnection(address.url(), address.user(), address.password());
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        }
        return connection;
    }
}
