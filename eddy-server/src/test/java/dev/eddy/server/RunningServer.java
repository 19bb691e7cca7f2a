package dev.eddy.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.model.EventJson;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.server.health.Readiness;
import dev.eddy.server.ingest.IngestRoutes;
import dev.eddy.server.query.QueryRoutes;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.ViewReads;
import dev.eddy.store.ViewStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server on real parts for a test class: an embedded broker with Eddy's topics, a publisher,
 * H2 views, and the HTTP server on a free port, with known keys.
 */
final class RunningServer implements AutoCloseable {
    static final String WRITE_KEY = "test-write-key";
    static final String READ_KEY = "test-read-key";
    /** The funnels the server is configured with, in this order: checkout of five steps, signup of two. */
    static final Funnels FUNNELS = Funnels.of(funnels());

    final EmbeddedKafka broker;
    final EventPublisher publisher;
    final ViewStore store;
    final EddyServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Duration queryTimeout;

    RunningServer(Path dir, Clock clock, EddyConfig.Ingest limits, Duration produceTimeout) {
        this(dir, clock, limits, produceTimeout, EddyConfig.defaults().query().timeout());
    }

    RunningServer(Path dir, Clock clock, EddyConfig.Ingest limits, Duration produceTimeout, Duration queryTimeout) {
        this.queryTimeout = queryTimeout;
        broker = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
            admin.ensureTopics(TopicPlan.defaults());
        }
        publisher = new EventPublisher(broker.bootstrapServers(), produceTimeout, produceTimeout);
        store = ViewStore.open(DatabaseAddress.embedded(dir));
        server = startServer(clock, limits);
    }

    /** A server on a free port over this broker, publisher and views, with {@link #FUNNELS}; the caller closes it. */
    EddyServer startServer(Clock clock, EddyConfig.Ingest limits) {
        return startServer(clock, limits, FUNNELS);
    }

    /** As {@link #startServer(Clock, EddyConfig.Ingest)}, with these funnels configured. */
    EddyServer startServer(Clock clock, EddyConfig.Ingest limits, Funnels funnels) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new EddyServer(
                new IngestRoutes(publisher, Set.of(WRITE_KEY), limits, registry, clock),
                new QueryRoutes(new ViewReads(store.dataSource(), queryTimeout), funnels,
                        Set.of(READ_KEY), EddyConfig.defaults().query().maxRange(), clock),
                new Readiness().add("kafka", broker::isRunning), registry).start("127.0.0.1", 0);
    }

    private static Map<String, List<FunnelStep>> funnels() {
        Map<String, List<FunnelStep>> funnels = new LinkedHashMap<>();
        funnels.put("checkout", List.of(FunnelStep.page("Home"), FunnelStep.page("Product"),
                FunnelStep.track("Checkout Started"), FunnelStep.track("Payment Info Entered"),
                FunnelStep.track("Order Completed")));
        funnels.put("signup", List.of(FunnelStep.page("Pricing"), FunnelStep.track("Signed Up")));
        return funnels;
    }

    RunningServer(Path dir, Clock clock) {
        this(dir, clock, EddyConfig.defaults().ingest(), EventPublisher.DEFAULT_DELIVERY_TIMEOUT);
    }

    HttpResponse<String> post(String path, String contentType, String authorization, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) request.header("Authorization", authorization);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (authorization != null) request.header("Authorization", authorization);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(text, e);
        }
    }

    @Override
    public void close() {
        server.close();
        publisher.close();
        store.close();
        broker.close();
    }
}
