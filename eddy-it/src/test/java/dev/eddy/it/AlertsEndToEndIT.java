package dev.eddy.it;

import static dev.eddy.model.alerts.Alert.Kind.DROP;
import static dev.eddy.model.alerts.Alert.Kind.SPIKE;
import static dev.eddy.model.alerts.Alert.State.FIRING;
import static dev.eddy.model.alerts.Alert.State.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.bus.testing.TopicReader;
import dev.eddy.handlers.testing.WebhookReceiver;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.alerts.AlertJson;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.runtime.process.EddyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anomaly alerts through the whole of embedded Eddy ({@code eddy run}): events sent over HTTP,
 * alerts raised by the job, kept in the alerts view ({@code GET /v1/alerts}) and posted by a
 * handler subscribed to {@code eddy.alerts}. The traffic is a quarter hour of two series from 20
 * minutes ago, sent a minute at a time as fast as the view counts it: "Order Completed" 20 a minute, none in minute 12; "Clicked" 15 a
 * minute, 100 in minute 11 (the alert step's defaults: bands of 4 deviations around a steady mean,
 * the deviation √mean; 2.11 to 37.89 and 1 to 30.49). Then the traffic stops altogether, and
 * event time moves on with the clock: minute 15, of no event, drops for both. Judged as soon as
 * each minute is final ({@code alerts.delay} 0), to keep the wait short. Eddy is killed once the
 * first alert is in the view, maybe before the checkpoint that commits it to {@code eddy.alerts}:
 * the restored job raises it again, and the topic still holds each alert once.
 */
class AlertsEndToEndIT {
    private static final String SERIES_PAGED = "Clicked";

    private static WebhookReceiver receiver;
    private static Map<String, String> environment;
    private static Path dataDir;
    private static Path config;
    private static EddyProcess eddy;

    @BeforeAll
    static void startEddy() throws Exception {
        receiver = WebhookReceiver.answering(204);
        dataDir = Eddies.freshDataDir(AlertsEndToEndIT.class);
        config = Eddies.config(dataDir, """
                handlers:
                  pager:
                    url: http://placeholder.invalid/
                    subscribe: alerts
                    events: [%s]
                """.formatted(SERIES_PAGED));
        environment = Map.of("EDDY_HANDLERS_PAGER_URL", receiver.url(), "EDDY_ALERTS_DELAY", "0s");
        eddy = Eddies.start(dataDir, environment, List.of("--config", config.toString()));
    }

    @AfterAll
    static void stopEddy() throws Exception {
        if (eddy != null) eddy.close();
        if (receiver != null) receiver.close();
    }

    @Test
    void anAnomalyIsInTheViewAndPostedToTheHandlerOfItsSeries() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(20));
        for (int m = 0; m < 13; m++) sendMinute(start, m);

        Alert spike = new Alert("Clicked", minute(start, 11), FIRING, SPIKE, 100, 15.0, 1.0, 30.49,
                "Clicked: 100 in the minute from " + minute(start, 11) + ", above the normal 1.0 to 30.49 (expected 15.0)");
        Alert spikeOver = new Alert("Clicked", minute(start, 12), RESOLVED, SPIKE, 15, 15.0, 1.0, 30.49,
                "Clicked: 15 in the minute from " + minute(start, 12) + ", back within the normal 1.0 to 30.49 (the spike is over)");
        Alert drop = new Alert("Order Completed", minute(start, 12), FIRING, DROP, 0, 20.0, 2.11, 37.89,
                "Order Completed: 0 in the minute from " + minute(start, 12) + ", below the normal 2.11 to 37.89 (expected 20.0)");
        Alert dropOver = new Alert("Order Completed", minute(start, 13), RESOLVED, DROP, 20, 20.0, 2.11, 37.89,
                "Order Completed: 20 in the minute from " + minute(start, 13) + ", back within the normal 2.11 to 37.89 (the drop is over)");
        Alert clicksStop = new Alert("Clicked", minute(start, 15), FIRING, DROP, 0, 15.0, 1.0, 30.49,
                "Clicked: 0 in the minute from " + minute(start, 15) + ", below the normal 1.0 to 30.49 (expected 15.0)");
        Alert ordersStop = new Alert("Order Completed", minute(start, 15), FIRING, DROP, 0, 20.0, 2.11, 37.89,
                "Order Completed: 0 in the minute from " + minute(start, 15) + ", below the normal 2.11 to 37.89 (expected 20.0)");
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(new EddyApi(eddy.instance()).alerts(start, minute(start, 14))).contains(spike));
        eddy.kill();
        eddy = Eddies.start(dataDir, environment, List.of("--config", config.toString()));
        for (int m = 13; m < 15; m++) sendMinute(start, m);

        EddyApi api = new EddyApi(eddy.instance());
        // minutes 0 to 13 are judged once the traffic itself moved event time past them
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(api.alerts(start, minute(start, 14))).containsExactly(spike, spikeOver, drop, dropOver));
        // minute 15 once event time, moving with the clock, passed it: about 70 s after the traffic
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(api.alerts(start, minute(start, 20)))
                .containsExactly(spike, spikeOver, drop, dropOver, clicksStop, ordersStop));

        List<Alert> onTopic = TopicReader.readAll(eddy.instance().kafkaBootstrap(), Topics.ALERTS, 6).stream()
                .map(r -> decode(r.value())).toList();
        assertThat(onTopic).as("each once").containsExactlyInAnyOrder(spike, spikeOver, drop, dropOver, clicksStop, ordersStop);

        // at least once, in order: the spike may come twice, had the kill come before its post was committed
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(receiver.requests().stream()
                .map(r -> decode(r.body())).distinct()).containsExactly(spike, spikeOver, clicksStop));
        WebhookReceiver.Request first = receiver.requests().get(0);
        assertThat(first.header("Idempotency-Key")).isEqualTo(spike.id());
        assertThat(first.header("ce-id")).isEqualTo(spike.id());
        assertThat(first.header("ce-type")).isEqualTo("eddy.alert.firing");
        assertThat(first.header("ce-source")).isEqualTo("eddy:alerts");
        assertThat(first.header("Eddy-Handler")).isEqualTo("pager");
    }

    private static Alert decode(byte[] json) {
        try {
            return AlertJson.decode(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant minute(Instant start, int n) {
        return start.plus(Duration.ofMinutes(n));
    }

    private static int orders(int minute) {
        return minute == 12 ? 0 : 20;
    }

    private static int clicks(int minute) {
        return minute == 11 ? 100 : 15;
    }

    /**
     * Minute {@code m} of both series, each spread over its minute (so the traffic's event time
     * ends near minute 15), in time order, then waits until the view counts all of it. A minute
     * sent with the next would race it: the Kafka partitions wake from idle one by one, and the
     * first to bring the next minute's events would make the minute final, the others' events
     * late (counted, but after the minute was judged).
     */
    private static void sendMinute(Instant start, int m) throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < orders(m); i++) {
            events.add(track("o-" + m + "-" + i, "Order Completed", "u" + i, minute(start, m).plusMillis(i * 60_000L / orders(m))));
        }
        for (int i = 0; i < clicks(m); i++) {
            events.add(track("c-" + m + "-" + i, "Clicked", "u" + i, minute(start, m).plusMillis(i * 60_000L / clicks(m))));
        }
        events.sort(Comparator.comparing(e -> Instant.parse(e.path("timestamp").asText())));
        for (int first = 0; first < events.size(); first += 100) {
            send(EventJson.MAPPER.createArrayNode().addAll(events.subList(first, Math.min(first + 100, events.size()))));
        }
        Map<String, Long> counted = new TreeMap<>(Map.of("Clicked", (long) clicks(m)));
        if (orders(m) > 0) counted.put("Order Completed", (long) orders(m));
        EddyApi api = new EddyApi(eddy.instance());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.eventsPerMinute(minute(start, m), minute(start, m + 1))
                .stream().collect(Collectors.toMap(MinuteMetric::event, MinuteMetric::count))).isEqualTo(counted));
    }

    private static ObjectNode track(String messageId, String event, String userId, Instant timestamp) {
        return EventJson.MAPPER.createObjectNode().put("type", "track").put("messageId", messageId)
                .put("event", event).put("userId", userId).put("timestamp", timestamp.toString());
    }

    private static void send(ArrayNode batch) throws Exception {
        String writeKey = eddy.instance().writeKeys().get(0);
        HttpRequest request = HttpRequest.newBuilder(URI.create(eddy.instance().url() + "/v1/batch"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.MAPPER.createObjectNode().set("batch", batch).toString()))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
