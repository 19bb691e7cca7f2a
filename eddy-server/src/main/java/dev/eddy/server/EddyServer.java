package dev.eddy.server;

import dev.eddy.model.EventJson;
import dev.eddy.server.health.Readiness;
import dev.eddy.server.ingest.IngestRoutes;
import dev.eddy.server.query.QueryRoutes;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Eddy's HTTP server: ingest, query API and its live feed, the dashboard, health, Prometheus
 * metrics and the OpenAPI document.
 */
public final class EddyServer implements AutoCloseable {
    private final Javalin app;
    private final QueryRoutes query;

    public EddyServer(IngestRoutes ingest, QueryRoutes query, Readiness readiness, PrometheusMeterRegistry registry) {
        this.query = query;
        byte[] openApi = resource("/openapi.json");
        // a page that asks for a read key and shows /v1/live: it holds no data and needs no key
        byte[] dashboard = resource("/dashboard.html");
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(EventJson.MAPPER, false));
            // ingest reads and limits the body itself, with Segment's error format
            config.http.maxRequestSize = Long.MAX_VALUE;
            // browser clients (analytics.js) post from other origins
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                rule.anyHost();
                rule.exposeHeader("Retry-After");
            }));
        });
        ingest.register(app);
        query.register(app);
        app.get("/healthz", ctx -> ctx.json(Map.of("status", "up")));
        app.get("/readyz", ctx -> {
            Map<String, Boolean> status = readiness.status();
            boolean ready = !status.isEmpty() && !status.containsValue(false);
            ctx.status(ready ? 200 : 503).json(Map.of("ready", ready, "checks", status));
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
        app.get("/openapi.json", ctx -> ctx.contentType(ContentType.APPLICATION_JSON).result(openApi));
        app.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(dashboard));
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                ctx.json(Map.of("success", false, "errors", List.of(Map.of("field", "", "message",
                        "no such endpoint: " + ctx.method() + " " + ctx.path() + " (see /openapi.json)"))));
            }
        });
    }

    /** Starts listening; port 0 picks a free port. */
    public EddyServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        query.close();
        app.stop();
    }

    private static byte[] resource(String name) {
        try (InputStream in = EddyServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " missing from the server jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
