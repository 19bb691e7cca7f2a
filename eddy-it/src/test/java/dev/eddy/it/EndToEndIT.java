package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.EventJson;
import dev.eddy.runtime.process.EddyProcess;
import dev.eddy.stream.kafka.AnalyticsKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
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

    @Test
    void theLateSinkReusesItsTransactionalIds() throws Exception {
        // each transactional id stays in the broker's memory for a week: one per checkpoint and
        // subtask would be some 86,000 a day at the 2 s interval
        await().atMost(Duration.ofMinutes(3)).until(() -> completedCheckpoints() >= 20);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                eddy.instance().kafkaBootstrap()))) {
            List<String> ids = admin.listTransactions().all().get().stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith(AnalyticsKafka.LATE_TRANSACTIONAL_ID_PREFIX))
                    .toList();
            assertThat(ids).as("transactional ids after 20 checkpoints").isNotEmpty().hasSizeLessThanOrEqualTo(8);
        }
    }

    private static long completedCheckpoints() throws Exception {
        String flink = eddy.instance().flinkUrl();
        JsonNode jobs = get(flink + "/jobs").path("jobs");
        for (JsonNode job : jobs) {
            if (job.path("status").asText().equals("RUNNING")) {
                return get(flink + "/jobs/" + job.path("id").asText() + "/checkpoints").path("counts").path("completed").asLong();
            }
        }
        return 0;
    }

    private static JsonNode get(String url) throws Exception {
        return EventJson.MAPPER.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
