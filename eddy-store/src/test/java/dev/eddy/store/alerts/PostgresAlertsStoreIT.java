package dev.eddy.store.alerts;

import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alerts view on a real PostgreSQL 15 server, a fresh database per test. */
class PostgresAlertsStoreIT extends AlertsStoreContract {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Override
    DatabaseAddress freshDatabase() {
        return POSTGRES.freshDatabase("alerts");
    }
}
