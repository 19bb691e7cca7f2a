package dev.eddy.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The views' database, opened and migrated: a pooled {@link DataSource} over H2 (embedded) or
 * PostgreSQL (at scale) whose schema is brought up to date by the Flyway migrations in
 * {@code db/migration} before anyone reads or writes.
 */
public final class ViewStore implements AutoCloseable {

    private static final int POOL_SIZE = 4;

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
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new ViewStore(address, dataSource);
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
