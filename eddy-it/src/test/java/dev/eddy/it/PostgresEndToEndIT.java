package dev.eddy.it;

import dev.eddy.runtime.process.EddyProcess;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.testing.PostgresServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link EndToEndIT} with the views in a real PostgreSQL 15 server, configured the way an
 * operator would: through {@code EDDY_STORE_*} environment variables.
 */
class PostgresEndToEndIT {
    private static PostgresServer postgres;
    private static EddyProcess eddy;

    @BeforeAll
    static void startEddy() throws Exception {
        postgres = PostgresServer.start();
        DatabaseAddress views = postgres.createDatabase("eddy_views");
        eddy = Eddies.start(Eddies.freshDataDir(PostgresEndToEndIT.class), Map.of(
                "EDDY_STORE_JDBC_URL", views.url(),
                "EDDY_STORE_USER", views.user()));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (eddy != null) eddy.close();
        } finally {
            if (postgres != null) postgres.close();
        }
    }

    @Test
    void viewsInPostgresEqualTheGroundTruthExactly() throws Exception {
        EndToEndCheck.sendAndVerify(eddy, 20_260_102L, 30_000, 10_000);
    }
}
