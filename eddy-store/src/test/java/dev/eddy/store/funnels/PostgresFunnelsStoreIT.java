package dev.eddy.store.funnels;

import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The funnels view on a real PostgreSQL 15 server, a fresh database per test. */
class PostgresFunnelsStoreIT extends FunnelsStoreContract {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Override
    DatabaseAddress freshDatabase() {
        return POSTGRES.freshDatabase("funnels");
    }
}
