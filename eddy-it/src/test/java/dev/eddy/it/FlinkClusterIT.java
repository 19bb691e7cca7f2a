package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.runtime.process.EddyProcess;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.testing.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Eddy at scale: the analytics job on a Flink session cluster of its own processes (whose
 * classpath holds Flink only, so the job runs only with the jars Eddy ships), events on a Kafka
 * broker outside Eddy, views in PostgreSQL, all configured through {@code EDDY_*} variables as an
 * operator would. The job is the cluster's: it runs on while Eddy is stopped, and a new Eddy
 * attaches to it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AWAY_EVENT = "Sent While Eddy Was Away";

    private static PostgresServer postgres;
    private static EmbeddedKafka kafka;
    private static FlinkCluster flink;
    private static Path dataDir;
    private static Map<String, String> env;
    private static EddyProcess eddy;

    @BeforeAll
    static void startClusterAndEddy() throws Exception {
        dataDir = Eddies.freshDataDir(FlinkClusterIT.class);
        postgres = PostgresServer.start();
        DatabaseAddress views = postgres.createDatabase("eddy_views");
        kafka = new EmbeddedKafka(dataDir.resolveSibling("kafka"), 0).start();
        flink = FlinkCluster.start(dataDir.resolveSibling("flink-cluster"), 2);
        env = Map.of(
                "EDDY_FLINK_JOBMANAGER", flink.jobManagerAddress(),
                "EDDY_FLINK_CHECKPOINTS", dataDir.resolveSibling("checkpoints").toString(),
                "EDDY_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                "EDDY_STORE_JDBC_URL", views.url(),
                "EDDY_STORE_USER", views.user());
        eddy = Eddies.start(dataDir, env);
    }

    @AfterAll
    static void stop() throws Exception {
        try (AutoCloseable p = postgres; AutoCloseable k = kafka; AutoCloseable f = flink; AutoCloseable e = eddy) {
            // closed in reverse: Eddy, the cluster, the broker, PostgreSQL
        }
    }

    @Test
    @Order(1)
    void theJobRunsOnTheClusterAndItsViewsEqualTheGroundTruthExactly() throws Exception {
        assertThat(eddy.instance().flinkUrl()).isEqualTo(flink.restUrl());
        assertThat(jobsOnTheCluster()).singleElement().satisfies(job -> {
            assertThat(job.path("name").asText()).isEqualTo("eddy-analytics");
            assertThat(job.path("state").asText()).isEqualTo("RUNNING");
        });
        EndToEndCheck.sendAndVerify(eddy, 20_261_127L, 20_000, 10_000);
    }

    @Test
    @Order(2)
    void theJobRunsOnWhileEddyIsStoppedAndTheNextEddyAttachesToIt() throws Exception {
        long startTime = jobsOnTheCluster().get(0).path("start-time").asLong();
        eddy.close();
        eddy = null;
        assertThat(jobsOnTheCluster()).singleElement()
                .satisfies(job -> assertThat(job.path("state").asText()).isEqualTo("RUNNING"));

        // straight onto Kafka, as any client may write: the job counts them with no Eddy running
        int away = 300;
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers())) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            Instant now = Instant.now();
            for (int i = 0; i < away; i++) {
                acks.add(publisher.publish(new Event("away-" + i, EventType.TRACK, AWAY_EVENT, null, "away-user-" + i,
                        null, null, null, null, now, now, now, now, null, null, null)));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
            Instant from = now.truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES);
            Instant to = from.plus(3, ChronoUnit.MINUTES);

            eddy = Eddies.start(dataDir, env);
            assertThat(jobsOnTheCluster()).singleElement().satisfies(job -> {
                assertThat(job.path("state").asText()).isEqualTo("RUNNING");
                assertThat(job.path("start-time").asLong()).as("attached, not submitted again").isEqualTo(startTime);
            });
            EddyApi api = new EddyApi(eddy.instance());
            await().atMost(EndToEndCheck.CONVERGENCE).untilAsserted(() -> {
                List<MinuteMetric> rows = api.eventsPerMinute(from, to).stream()
                        .filter(row -> row.event().equals(AWAY_EVENT)).toList();
                assertThat(rows.stream().mapToLong(MinuteMetric::count).sum()).isEqualTo(away);
                // a user each: every minute's users equal its count
                assertThat(rows).allSatisfy(row -> assertThat(row.users()).isEqualTo(row.count()));
            });
        }
    }

    private static List<JsonNode> jobsOnTheCluster() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(flink.restUrl() + "/jobs/overview")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> jobs = new ArrayList<>();
        JSON.readTree(response.body()).path("jobs").forEach(jobs::add);
        return jobs;
    }
}
