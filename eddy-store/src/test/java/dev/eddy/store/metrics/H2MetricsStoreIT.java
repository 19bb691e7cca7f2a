package dev.eddy.store.metrics;

import dev.eddy.store.DatabaseAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The per-minute metrics view on an H2 file database, as the embedded mode runs it. */
class H2MetricsStoreIT extends MetricsStoreContract {

    @TempDir
    Path dataDir;
    private final AtomicInteger databases = new AtomicInteger();

    @Override
    DatabaseAddress freshDatabase() {
        return DatabaseAddress.embedded(dataDir.resolve("data-dir-" + databases.incrementAndGet()));
    }

    /**
     * The table behind a view of its name that never answers: it sleeps a millisecond for each of
     * a billion rows. H2 cannot hold readers up with a lock (its exclusive mode holds up setting a
     * statement's timeout too), and it looks at a statement's time only every so many rows.
     */
    @Override
    AutoCloseable slowingReads(DatabaseAddress address, String table) throws SQLException {
        execute(address, "ALTER TABLE " + table + " RENAME TO " + table + "_rows",
                "CREATE ALIAS IF NOT EXISTS PAUSE FOR 'java.lang.Thread.sleep'",
                "CREATE VIEW " + table + " AS SELECT r.* FROM " + table + "_rows r, SYSTEM_RANGE(1, 1000000000) s"
                        + " WHERE PAUSE(1 + s.X * 0) IS NOT NULL");
        return () -> execute(address, "DROP VIEW " + table, "ALTER TABLE " + table + "_rows RENAME TO " + table);
    }

    private static void execute(DatabaseAddress address, String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(address.url(), address.user(), address.password());
                Statement statement = connection.createStatement()) {
            for (String each : sql) statement.execute(each);
        }
    }
}
