package dev.eddy.store.sessions;

import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sessions view on a real PostgreSQL 15 server, a fresh database per test. */
class PostgresSessionsStoreIT extends SessionsStoreContract {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Override
    DatabaseAddress freshDatabase() {
        return POSTGRES.freshDatabase("sessions");
    }
}
