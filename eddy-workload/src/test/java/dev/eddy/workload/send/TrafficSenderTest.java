package dev.eddy.workload.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.eddy.workload.traffic.SegmentMessage;
import dev.eddy.workload.traffic.TrafficGenerator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender against a real HTTP server on the loopback that fails on purpose. */
class TrafficSenderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DROP_CONNECTION = -1;

    /** One request the server received. */
    record Received(List<String> messageIds, String authorization, String contentType, boolean hasSentAt) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attemptsByBatch = new ConcurrentHashMap<>();
    private final ExecutorService serverThreads = Executors.newFixedThreadPool(4);
    private HttpServer server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) server.stop(0);
        serverThreads.shutdownNow();
        assertThat(serverThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Starts a server answering {@code /v1/batch} with the status that {@code script} gives for
     * the n-th attempt (from 1) at a batch, a batch being known by its first messageId.
     */
    private URI serve(IntFunction<Integer> script, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/v1/batch", exchange -> respond(exchange, script, body));
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void respond(HttpExchange exchange, IntFunction<Integer> script, String body) throws IOException {
        JsonNode batch = JSON.readTree(exchange.getRequestBody().readAllBytes()).get("batch");
        List<String> ids = new ArrayList<>();
        boolean sentAt = false;
        for (JsonNode message : batch) {
            ids.add(message.get("messageId").asText());
            sentAt |= message.has("sentAt");
        }
        received.add(new Received(ids, exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"), sentAt));
        int status = script.apply(attemptsByBatch.computeIfAbsent(ids.get(0), id -> new AtomicInteger()).incrementAndGet());
        if (status == DROP_CONNECTION) {
            // closing before any response line: the client sees the connection drop mid-request
            exchange.close();
            return;
        }
        byte[] bytes = (status == 200 ? "{\"success\":true}" : body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static List<SegmentMessage> messages(int count) {
        return TrafficGenerator.builder().seed(7).start(Instant.parse("2025-01-01T00:00:00Z")).rate(1_000).build()
                .take(count);
    }

    private static SegmentClient client(URI url) {
        return SegmentClient.builder(url, "wk-test")
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .retryTimeout(Duration.ofSeconds(60))
                .build();
    }

    @Test
    void everyBatchIsAcknowledgedAfter503AndDroppedConnectionsWithIdenticalRetries() throws Exception {
        URI url = serve(attempt -> switch (attempt) {
            case 1 -> 503;
            case 2 -> DROP_CONNECTION;
            default -> 200;
        }, "{\"success\":false,\"errors\":[]}");
        List<SegmentMessage> messages = messages(80);
        List<long[]> progress = new CopyOnWriteArrayList<>();
        TrafficSender sender = TrafficSender.builder(client(url)).unpaced().batchSize(10).concurrency(3)
                .duplicateFraction(0.25)
                .progress((acknowledged, total) -> progress.add(new long[] {acknowledged, total}))
                .build();

        SendSummary summary = sender.send(messages.iterator(), 80);

        assertThat(summary.sent()).isEqualTo(80);
        assertThat(summary.acknowledged()).isEqualTo(80);
        // 8 batches × (503, drop, 200) + 2 deliberate duplicates (batches 3 and 7) acknowledged at once
        assertThat(summary.requests()).isEqualTo(26);
        assertThat(summary.retries()).isEqualTo(16);
        assertThat(summary.duplicatesSent()).isEqualTo(20);
        assertThat(received).hasSize(26);

        Map<String, List<List<String>>> requestsByBatch = received.stream().collect(
                Collectors.groupingBy(r -> r.messageIds().get(0), Collectors.mapping(Received::messageIds, Collectors.toList())));
        for (int batch = 0; batch < 8; batch++) {
            List<String> ids = messages.subList(batch * 10, batch * 10 + 10).stream().map(SegmentMessage::messageId).toList();
            List<List<String>> attempts = requestsByBatch.get(ids.get(0));
            assertThat(attempts).as("batch %d", batch).hasSize(batch == 3 || batch == 7 ? 4 : 3);
            assertThat(attempts).as("batch %d carries the same messageIds each time", batch).allMatch(ids::equals);
        }
        String expectedAuth = "Basic " + Base64.getEncoder().encodeToString("wk-test:".getBytes(StandardCharsets.UTF_8));
        assertThat(received).allMatch(r -> expectedAuth.equals(r.authorization()));
        assertThat(received).allMatch(r -> "application/json".equals(r.contentType()));
        assertThat(received).noneMatch(Received::hasSentAt);

        assertThat(progress).hasSize(8);
        for (int i = 0; i < progress.size(); i++) {
            assertThat(progress.get(i)).containsExactly((i + 1) * 10L, 80L);
        }
    }

    @Test
    void badRequestFailsLoudlyWithTheServersBody() throws IOException {
        String body = "{\"success\":false,\"accepted\":0,\"errors\":[{\"index\":3,\"field\":\"timestamp\",\"message\":\"bad\"}]}";
        URI url = serve(attempt -> 400, body);
        TrafficSender sender = TrafficSender.builder(client(url)).unpaced().batchSize(10).concurrency(1).build();

        assertThatThrownBy(() -> sender.send(messages(10).iterator(), 10))
                .isInstanceOfSatisfying(BatchRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.body()).isEqualTo(body);
                })
                .hasMessageContaining(body);
        assertThat(received).hasSize(1);
    }

    @Test
    void retriesTooManyRequestsAndServerErrorsWithTheSameBody() throws Exception {
        URI url = serve(attempt -> switch (attempt) {
            case 1 -> 429;
            case 2 -> 500;
            default -> 200;
        }, "{\"success\":false}");
        List<SegmentMessage> batch = messages(5);

        BatchAck ack = client(url).post(batch);

        assertThat(ack.attempts()).isEqualTo(3);
        assertThat(received).hasSize(3)
                .allMatch(r -> r.messageIds().equals(batch.stream().map(SegmentMessage::messageId).toList()));
    }

    @Test
    void givesUpWhenTheRetryTimeoutRunsOut() throws IOException {
        URI url = serve(attempt -> 503, "{\"success\":false}");
        SegmentClient client = SegmentClient.builder(url, "wk-test")
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .retryTimeout(Duration.ofMillis(200))
                .build();
        List<SegmentMessage> batch = messages(5);

        assertThatThrownBy(() -> client.post(batch))
                .isInstanceOfSatisfying(RetryTimeoutException.class, e -> {
                    assertThat(e.attempts()).isGreaterThan(1);
                    assertThat(received).hasSize(e.attempts());
                })
                .hasMessageContaining("HTTP 503");
        assertThat(received).allMatch(r -> r.messageIds().equals(batch.stream().map(SegmentMessage::messageId).toList()));
    }

    @Test
    void pacedDurationSendsTheMessagesDueWithinIt() throws Exception {
        URI url = serve(attempt -> 200, "");
        TrafficSender sender = TrafficSender.builder(client(url)).rate(100).maxBatchSpan(Duration.ofMillis(100))
                .concurrency(2).build();

        SendSummary summary = sender.sendFor(messages(1_000).iterator(), Duration.ofMillis(300));

        assertThat(sender.batchSize()).isEqualTo(10);
        assertThat(summary.sent()).isEqualTo(30);
        assertThat(summary.acknowledged()).isEqualTo(30);
        assertThat(received).hasSize(3);
        // the last batch leaves when its last message (29) is due: 290 ms after the start
        assertThat(summary.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }

    @Test
    void stopEndsAnOpenEndedRunAfterItsInFlightBatches() throws Exception {
        URI url = serve(attempt -> 200, "");
        TrafficSender sender = TrafficSender.builder(client(url)).rate(200).batchSize(10).build();
        TrafficGenerator endless = TrafficGenerator.builder().seed(3).start(Instant.now()).rate(200).build();

        CompletableFuture<SendSummary> run = CompletableFuture.supplyAsync(() -> {
            try {
                return sender.sendUntilStopped(endless);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 3);
        sender.stop();
        SendSummary summary = run.get(30, TimeUnit.SECONDS);

        assertThat(summary.acknowledged()).isEqualTo(summary.sent());
        assertThat(received.stream().mapToLong(r -> r.messageIds().size()).sum()).isEqualTo(summary.sent());
        assertThat(summary.duplicatesSent()).isZero();
    }
}
