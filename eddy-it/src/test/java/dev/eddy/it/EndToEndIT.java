package dev.eddy.it;

import dev.eddy.runtime.process.EddyProcess;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole of embedded Eddy as a user runs it ({@code eddy run}: embedded broker, Flink
 * MiniCluster, H2 views), driven over HTTP by the workload generator: 100,000 events with
 * duplicates and disorder, and the query API must answer the generator's truth exactly.
 */
class EndToEndIT {
    private static EddyProcess eddy;

    @BeforeAll
    static void startEddy() throws Exception {
        eddy = Eddies.start(Eddies.freshDataDir(EndToEndIT.class), Map.of());
    }

    @AfterAll
    static void stopEddy() throws Exception {
        if (eddy != null) eddy.close();
    }

    @Test
    void viewsEqualTheGroundTruthExactly() throws Exception {
        EndToEndCheck.sendAndVerify(eddy, 20_260_101L, 100_000, 10_000);
    }
}
