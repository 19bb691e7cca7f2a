package dev.eddy.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.EventJson;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.runtime.InstanceFile;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** What a test reads from a running Eddy over HTTP, as any outside client would: the query API and /metrics. */
final class EddyApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String url;
    private final String readKey;

    EddyApi(InstanceFile eddy) {
        this.url = eddy.url();
        this.readKey = eddy.readKeys().get(0);
    }

    /** {@code GET /v1/metrics/events?from=&to=}: the rows of [from, to) in the API's order. */
    List<MinuteMetric> eventsPerMinute(Instant from, Instant to) throws IOException, InterruptedException {
        return perMinute("/v1/metrics/events", from, to, "event", "count", "users");
    }

    /** {@code GET /v1/metrics/pages?from=&to=}: the rows of [from, to) in the API's order, the page in {@code event}. */
    List<MinuteMetric> pagesPerMinute(Instant from, Instant to) throws IOException, InterruptedException {
        return perMinute("/v1/metrics/pages", from, to, "page", "views", "visitors");
    }

    /** The rows of a per-minute view's answer, whose fields for name, count and users are named so. */
    private List<MinuteMetric> perMinute(String path, Instant from, Instant to, String name, String count, String users)
            throws IOException, InterruptedException {
        JsonNode body = EventJson.MAPPER.readTree(get(path + "?from=" + from + "&to=" + to, "Bearer " + readKey));
        List<MinuteMetric> rows = new ArrayList<>();
        for (JsonNode row : body.path("series")) {
            rows.add(new MinuteMetric(Instant.parse(row.path("start").asText()), row.path(name).asText(),
                    row.path(count).asLong(), row.path(users).asLong(), row.path("final").asBoolean()));
        }
        return rows;
    }

    /** {@code GET /v1/pages/top?from=&to=&limit=}: page and views, most viewed first. */
    List<Map.Entry<String, Long>> topPages(Instant from, Instant to, int limit) throws IOException, InterruptedException {
        JsonNode body = EventJson.MAPPER.readTree(
                get("/v1/pages/top?from=" + from + "&to=" + to + "&limit=" + limit, "Bearer " + readKey));
        List<Map.Entry<String, Long>> pages = new ArrayList<>();
        for (JsonNode page : body.path("pages")) pages.add(Map.entry(page.path("page").asText(), page.path("views").asLong()));
        return pages;
    }

    /** {@code GET /v1/sessions?from=&to=}: the rows of the sessions that started in [from, to), by minute. */
    List<SessionMetric> sessionsPerMinute(Instant from, Instant to) throws IOException, InterruptedException {
        JsonNode body = EventJson.MAPPER.readTree(get("/v1/sessions?from=" + from + "&to=" + to, "Bearer " + readKey));
        List<SessionMetric> rows = new ArrayList<>();
        for (JsonNode row : body.path("minutes")) {
            rows.add(new SessionMetric(Instant.parse(row.path("start").asText()), row.path("sessions").asLong(),
                    row.path("ended").asLong(), row.path("lengthMillis").asLong(), row.path("events").asLong(),
                    row.path("bounces").asLong()));
        }
        return rows;
    }

    /**
     * {@code GET /v1/funnels/{name}?from=&to=}: of the sessions that started in [from, to), how
     * many reached each step, in all and by minute (the minutes none entered left out).
     */
    FunnelAnswer funnel(String name, Instant from, Instant to) throws IOException, InterruptedException {
        JsonNode body = EventJson.MAPPER.readTree(get("/v1/funnels/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "?from=" + from + "&to=" + to, "Bearer " + readKey));
        List<String> steps = new ArrayList<>();
        List<Long> sessions = new ArrayList<>();
        for (JsonNode step : body.path("steps")) {
            steps.add(step.path("step").asText());
            sessions.add(step.path("sessions").asLong());
        }
        List<FunnelMetric> minutes = new ArrayList<>();
        for (JsonNode row : body.path("minutes")) {
            List<Long> reached = new ArrayList<>();
            row.path("reached").forEach(n -> reached.add(n.asLong()));
            minutes.add(new FunnelMetric(body.path("funnel").asText(), Instant.parse(row.path("start").asText()), reached));
        }
        return new FunnelAnswer(steps, sessions, minutes);
    }

    /**
     * A funnel's answer: its steps as written in the config, the sessions that reached each over
     * the whole range, and its rows by minute.
     */
    record FunnelAnswer(List<String> steps, List<Long> sessions, List<FunnelMetric> minutes) {}

    /** {@code GET /v1/alerts?from=&to=}: the alerts of the minutes in [from, to), in the API's order. */
    List<Alert> alerts(Instant from, Instant to) throws IOException, InterruptedException {
        JsonNode body = EventJson.MAPPER.readTree(get("/v1/alerts?from=" + from + "&to=" + to, "Bearer " + readKey));
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode alert : body.path("alerts")) alerts.add(EventJson.MAPPER.treeToValue(alert, Alert.class));
        return alerts;
    }

    /** The value of a meter on {@code /metrics} (Prometheus text format; tags as written there, e.g. {@code name{tag="v"}}), empty when absent. */
    OptionalDouble metric(String name) throws IOException, InterruptedException {
        for (String line : get("/metrics", null).split("\n")) {
            if (line.startsWith(name + " ")) return OptionalDouble.of(Double.parseDouble(line.substring(name.length() + 1).trim()));
        }
        return OptionalDouble.empty();
    }

    private String get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(TIMEOUT);
        if (authorization != null) request.header("Authorization", authorization);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
