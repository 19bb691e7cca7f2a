package dev.eddy.store.metrics;

import dev.eddy.store.DatabaseAddress;
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
}
