package dev.eddy.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.workload.traffic.TrafficProfile;
import dev.eddy.workload.truth.GroundTruth;
import dev.eddy.workload.truth.TruthFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A whole run against a loopback server that keeps what it received, deduplicated, as a server would. */
class TrafficRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GroundTruth received = new GroundTruth();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final ExecutorService serverThreads = Executors.newFixedThreadPool(2);
    private HttpServer server;
    private URI url;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/v1/batch", exchange -> {
            JsonNode batch = JSON.readTree(exchange.getRequestBody().readAllBytes()).get("batch");
            synchronized (batchSizes) {
                batchSizes.add(batch.size());
            }
            for (JsonNode m : batch) received.add(toEvent(m));
            byte[] ok = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.stop(0);
        serverThreads.shutdownNow();
        assertThat(serverThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static Event toEvent(JsonNode m) {
        return new Event(m.get("messageId").asText(), EventType.fromWireName(m.get("type").asText()),
                m.path("event").textValue(), m.path("name").textValue(), m.path("userId").textValue(),
                m.path("anonymousId").textValue(), null, null, null, Instant.parse(m.get("timestamp").asText()),
                null, null, null, m.get("properties") instanceof ObjectNode properties ? properties : null, null, null);
    }

    @Test
    void truthOfARunEqualsWhatTheServerReceivedAfterDedup() throws Exception {
        TrafficRun run = TrafficRun.builder(url, "wk").seed(99).start(Instant.parse("2025-06-01T10:00:00Z"))
                .rate(2_000).count(600).batchSize(50).duplicateFraction(0.5).build();

        TrafficRun.Result result = run.run();

        assertThat(run.plannedCount()).isEqualTo(600);
        assertThat(result.summary().acknowledged()).isEqualTo(600);
        assertThat(result.summary().duplicatesSent()).isEqualTo(300);
        assertThat(batchSizes).hasSize(18);
        assertThat(result.truth()).isEqualTo(TruthFile.of(received, 300, Duration.ofMinutes(30),
                new Funnels(List.of(TrafficProfile.CHECKOUT))));
        assertThat(result.truth().events()).isEqualTo(600);
    }
}
