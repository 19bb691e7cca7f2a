package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.handlers.testing.WebhookReceiver;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.runtime.process.EddyProcess;
import dev.eddy.stream.kafka.AnalyticsKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole of embedded Eddy as a user runs it ({@code eddy run}: embedded broker, Flink
 * MiniCluster, H2 views, a webhook handler), driven over HTTP by the workload generator: 100,000
 * events with duplicates and disorder, and the query API must answer the generator's truth
 * exactly, the handler have posted every identify call on the bus.
 */
class EndToEndIT {
    private static WebhookReceiver receiver;
    private static EddyProcess eddy;

    @BeforeAll
    static void startEddy() throws Exception {
        receiver = WebhookReceiver.answering(204);
        Path dataDir = Eddies.freshDataDir(EndToEndIT.class);
        Path config = Eddies.config(dataDir, """
                handlers:
                  logins:
                    url: http://placeholder.invalid/
                    types: [identify]
                """);
        // the URL from the environment: a declared handler's keys are overridable like any other
        eddy = Eddies.start(dataDir, Map.of("EDDY_HANDLERS_LOGINS_URL", receiver.url()), List.of("--config", config.toString()));
    }

    @AfterAll
    static void stopEddy() throws Exception {
        if (eddy != null) eddy.close();
        if (receiver != null) receiver.close();
    }

    @Test
    void viewsEqualTheGroundTruthExactlyAndTheHandlerPostedEachIdentifyCall() throws Exception {
        List<Event> onTheBus = EndToEndCheck.sendAndVerify(eddy, 20_260_101L, 100_000, 10_000);

        // every identify record, the deliberate duplicates too; at least once, so a post that timed
        // out on a busy machine may have come twice (the receiver tells by Idempotency-Key)
        Map<String, Long> onBus = timesEach(onTheBus.stream().filter(e -> e.type() == EventType.IDENTIFY).map(Event::messageId));
        assertThat(onBus).isNotEmpty();
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            Map<String, Long> posted = timesEach(receiver.requests().stream().map(r -> r.header("ce-id")));
            assertThat(posted).containsOnlyKeys(onBus.keySet());
            onBus.forEach((id, times) -> assertThat(posted.get(id)).as("posts of %s", id).isGreaterThanOrEqualTo(times));
        });
        EddyApi api = new EddyApi(eddy.instance());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.metric("eddy_handler_lag{handler=\"logins\"}")).hasValue(0));
        assertThat(receiver.requests()).allSatisfy(r -> {
            assertThat(r.header("Idempotency-Key")).isEqualTo(r.header("ce-id"));
            assertThat(EventJson.decode(r.body()).type()).isEqualTo(EventType.IDENTIFY);
        });
    }

    private static Map<String, Long> timesEach(Stream<String> ids) {
        return ids.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void theKafkaSinksReuseTheirTransactionalIds() throws Exception {
        // each transactional id stays in the broker's memory for a week: one per checkpoint and
        // subtask would be some 86,000 a day at the 2 s interval
        await().atMost(Duration.ofMinutes(3)).until(() -> completedCheckpoints() >= 20);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                eddy.instance().kafkaBootstrap()))) {
            List<String> ids = admin.listTransactions().all().get().stream()
                    .map(TransactionListing::transactionalId)
                    .toList();
            for (String prefix : List.of(AnalyticsKafka.LATE_TRANSACTIONAL_ID_PREFIX, AnalyticsKafka.ALERTS_TRANSACTIONAL_ID_PREFIX)) {
                assertThat(ids.stream().filter(id -> id.startsWith(prefix)))
                        .as("%s transactional ids after 20 checkpoints", prefix).isNotEmpty().hasSizeLessThanOrEqualTo(8);
            }
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
