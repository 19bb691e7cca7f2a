package dev.eddy.store.funnels;

import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.testing.PostgresServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The funnels view on a real PostgreSQL 15 server, a fresh database per test. */
class PostgresFunnelsStoreIT extends FunnelsStoreContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Override
    DatabaseAddress freshDatabase() {
        return postgres.createDatabase("funnels_" + DATABASES.incrementAndGet());
    }
}
