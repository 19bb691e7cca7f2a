package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
 * attaches to it, or submits it again from its checkpoint when it was cancelled.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AWAY_EVENT = "Sent While Eddy Was Away";
    private static final String NO_JOB_EVENT = "Sent While No Job Ran";
    private static final String SECOND_NO_JOB_EVENT = "Sent While No Job Ran Again";

    private static PostgresServer postgres;
    private static DatabaseAddress views;
    private static EmbeddedKafka kafka;
    private static FlinkCluster flink;
    private static Path dataDir;
    private static Path checkpoints;
    private static Map<String, String> env;
    private static EddyProcess eddy;
    private static Instant awaySent;
    private static Instant noJobSent;

    @BeforeAll
    static void startClusterAndEddy() throws Exception {
        dataDir = Eddies.freshDataDir(FlinkClusterIT.class);
        postgres = PostgresServer.start();
        views = postgres.createDatabase("eddy_views");
        kafka = new EmbeddedKafka(dataDir.resolveSibling("kafka"), 0).start();
        flink = FlinkCluster.start(dataDir.resolveSibling("flink-cluster"), 2);
        checkpoints = Files.createDirectories(dataDir.resolveSibling("checkpoints"));
        env = Map.of(
                "EDDY_FLINK_JOBMANAGER", flink.jobManagerAddress(),
                "EDDY_FLINK_CHECKPOINTS", checkpoints.toString(),
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
        awaySent = publishStraightToKafka(AWAY_EVENT, 300);
        await().atMost(EndToEndCheck.CONVERGENCE).untilAsserted(() -> assertThat(countedInTheViews(AWAY_EVENT))
                .as("counted in PostgreSQL with no Eddy running").isEqualTo(300));

        eddy = Eddies.start(dataDir, env);
        assertThat(jobsOnTheCluster()).singleElement().satisfies(job -> {
            assertThat(job.path("state").asText()).isEqualTo("RUNNING");
            assertThat(job.path("start-time").asLong()).as("attached, not submitted again").isEqualTo(startTime);
        });
        awaitCounted(AWAY_EVENT, awaySent, 300);
    }

    @Test
    @Order(3)
    void aJobCancelledOnTheClusterIsSubmittedAgainFromItsCheckpointAndCountsOnExactly() throws Exception {
        noJobSent = cancelThenStartEddy(NO_JOB_EVENT, 200);
        // restored, not recounted: what the cancelled run counted stays counted once
        awaitCounted(AWAY_EVENT, awaySent, 300);
    }

    @Test
    @Order(4)
    void aSecondCancelRestoresARunWhoseStateSpansTwoRunsFolders() throws Exception {
        // the second run's checkpoints name RocksDB files the first run wrote: its start must keep them
        cancelThenStartEddy(SECOND_NO_JOB_EVENT, 100);
        awaitCounted(NO_JOB_EVENT, noJobSent, 200);
        awaitCounted(AWAY_EVENT, awaySent, 300);
    }

    /**
     * Cancels the running run on the cluster with Eddy stopped, writes {@code count} events
     * named {@code name} to Kafka, and starts Eddy: a new run restored from the cancelled run's
     * newest checkpoint counts them.
     *
     * @return when the events were written
     */
    private static Instant cancelThenStartEddy(String name, int count) throws Exception {
        String cancelled = runningRun().path("jid").asText();
        // else the next run restores the checkpoint this one restored, not one of its own
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(get("/jobs/" + cancelled + "/checkpoints")
                .path("counts").path("completed").asInt()).as("checkpoints completed by run %s", cancelled).isPositive());
        eddy.close();
        eddy = null;
        HttpResponse<String> cancel = HTTP.send(HttpRequest.newBuilder(URI.create(flink.restUrl() + "/jobs/" + cancelled + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(jobsOnTheCluster())
                .filteredOn(job -> job.path("jid").asText().equals(cancelled)).singleElement()
                .satisfies(job -> assertThat(job.path("state").asText()).isEqualTo("CANCELED")));
        // read by the run submitted next, from the offsets of the checkpoint it restores
        Instant sent = publishStraightToKafka(name, count);

        // a session cluster takes no job of an id it has seen end: the new run has a new one
        eddy = Eddies.start(dataDir, env);
        String resubmitted = runningRun().path("jid").asText();
        assertThat(resubmitted).isNotEqualTo(cancelled).startsWith(cancelled.substring(0, 16));
        assertThat(get("/jobs/" + resubmitted + "/checkpoints").path("latest").path("restored").path("external_path").asText())
                .as("restored from the cancelled run's newest checkpoint")
                .contains(checkpoints + "/" + cancelled + "/chk-");
        awaitCounted(name, sent, count);
        return sent;
    }

    /** The one run the cluster has RUNNING. */
    private static JsonNode runningRun() throws Exception {
        List<JsonNode> running = jobsOnTheCluster().stream().filter(job -> job.path("state").asText().equals("RUNNING")).toList();
        assertThat(running).hasSize(1);
        return running.get(0);
    }

    @Test
    @Order(5)
    void anEddyOfOtherSettingsDoesNotTakeTheRunningJobForItsOwn() throws Exception {
        String running = runningRun().path("jid").asText();
        Map<String, String> otherLateness = new HashMap<>(env);
        otherLateness.put("EDDY_STREAM_ALLOWED_LATENESS", "30m");
        Path otherDataDir = dataDir.resolveSibling("eddy-other");
        assertThatThrownBy(() -> {
            try (EddyProcess attachedWrongly = Eddies.start(otherDataDir, otherLateness)) {
                // closed at once: it should not have started
            }
        })
                .hasMessageContaining("eddy exited with 2 before it was ready")
                .hasMessageContaining("flink.jobmanager: the analytics job " + running + " on the Flink cluster at "
                        + flink.restUrl() + " runs another Eddy build or configuration; cancel it in Flink (cancel, not"
                        + " stop: a stopped job's checkpoints are deleted), and this Eddy submits its own from the newest"
                        + " checkpoint");
        assertThat(jobsOnTheCluster()).filteredOn(job -> job.path("state").asText().equals("RUNNING")).singleElement()
                .satisfies(job -> assertThat(job.path("jid").asText()).isEqualTo(running));
    }

    /** {@code count} track events named {@code name}, a user each, timed now; returns when Kafka acknowledged all. */
    private static Instant publishStraightToKafka(String name, int count) throws Exception {
        Instant now = Instant.now();
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers())) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                acks.add(publisher.publish(new Event(name + "-" + i, EventType.TRACK, name, null, name + "-user-" + i,
                        null, null, null, null, now, now, now, now, null, null, null)));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
        }
        return now;
    }

    /** Until the views count exactly {@code count} events named {@code name} around {@code sent}, a user each. */
    private static void awaitCounted(String name, Instant sent, long count) {
        EddyApi api = new EddyApi(eddy.instance());
        Instant from = sent.truncatedTo(ChronoUnit.MINUTES).minus(2, ChronoUnit.MINUTES);
        Instant to = from.plus(5, ChronoUnit.MINUTES);
        await().atMost(EndToEndCheck.CONVERGENCE).untilAsserted(() -> {
            List<MinuteMetric> rows = api.eventsPerMinute(from, to).stream().filter(row -> row.event().equals(name)).toList();
            assertThat(rows.stream().mapToLong(MinuteMetric::count).sum()).isEqualTo(count);
            assertThat(rows).allSatisfy(row -> assertThat(row.users()).isEqualTo(row.count()));
        });
    }

    private static long countedInTheViews(String name) throws Exception {
        try (Connection db = DriverManager.getConnection(views.url(), views.user(), views.password());
             PreparedStatement sum = db.prepareStatement("SELECT COALESCE(SUM(event_count), 0) FROM event_metrics WHERE event = ?")) {
            sum.setString(1, name);
            try (ResultSet row = sum.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static List<JsonNode> jobsOnTheCluster() throws Exception {
        List<JsonNode> jobs = new ArrayList<>();
        get("/jobs/overview").path("jobs").forEach(jobs::add);
        return jobs;
    }

    /** A GET of the cluster's REST API, answered 200. */
    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(flink.restUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
