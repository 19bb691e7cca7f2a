package dev.eddy.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eddy.model.config.ConfigException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The views' database, opened and migrated: a pooled {@link DataSource} over H2 (embedded) or
 * PostgreSQL (at scale) whose schema is brought up to date by the Flyway migrations in
 * {@code db/migration} before anyone reads or writes.
 */
public final class ViewStore implements AutoCloseable {

    private static final int POOL_SIZE = 4;
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    private final DatabaseAddress address;
    private final HikariDataSource dataSource;

    private ViewStore(DatabaseAddress address, HikariDataSource dataSource) {
        this.address = address;
        this.dataSource = dataSource;
    }

    /** Connects, migrates the schema and returns the open store; fails if either fails. */
    public static ViewStore open(DatabaseAddress address) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("eddy-views");
        config.setJdbcUrl(address.url());
        config.setDriverClassName(address.driverClassName());
        config.setUsername(address.user());
        config.setPassword(address.password());
        config.setMaximumPoolSize(POOL_SIZE);
        // a database that is away fails a query, and /readyz, within seconds rather than Hikari's 30
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            refuseUnsupported(dataSource);
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    // a database that holds other tables already: mark it as version 0 and migrate
                    // from there, where Flyway would otherwise refuse a non-empty schema
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new ViewStore(address, dataSource);
    }

    /**
     * Stops the start on a database the views cannot work with, which would otherwise migrate
     * fine and then fail every write of the job: PostgreSQL before 15 has no {@code MERGE}.
     */
    private static void refuseUnsupported(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData database = connection.getMetaData();
            String problem = unsupported(database.getDatabaseProductName(), database.getDatabaseMajorVersion(),
                    database.getDatabaseProductVersion());
            if (problem != null) throw new ConfigException("store.jdbcUrl: " + problem);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the views' database", e);
        }
    }

    /** Why the views cannot use this database, or null when they can. */
    static String unsupported(String product, int majorVersion, String version) {
        if ("PostgreSQL".equals(product) && majorVersion < 15) {
            return "PostgreSQL " + version + " is too old: the views need PostgreSQL 15 or later (they upsert with MERGE)";
        }
        return null;
    }

    public DatabaseAddress address() {
        return address;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
