package dev.eddy.server;

import static dev.eddy.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.alerts.AlertsUpsert;
import dev.eddy.store.metrics.MetricsQuery;
import dev.eddy.store.metrics.MinuteView;
import dev.eddy.store.metrics.MetricsUpsert;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The query API over rows in the real H2 view: range, filter, order, auth and the errors a user sees. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryIT {
    static final String BEARER = "Bearer " + RunningServer.READ_KEY;

    @TempDir
    static Path dir;
    RunningServer eddy;

    @BeforeAll
    void start() throws Exception {
        eddy = new RunningServer(dir, Clock.systemUTC());
        MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.EVENTS, List.of(
                new MinuteMetric(Instant.parse("2026-11-27T09:59:00Z"), "page", 3, 2, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:00:00Z"), "page", 5, 4, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:00:00Z"), "Order Completed", 1, 1, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:01:00Z"), "page", 2, 2, false),
                new MinuteMetric(Instant.parse("2026-11-27T10:02:00Z"), "page", 9, 9, false)));
        try (Connection connection = eddy.store.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(AlertsUpsert.SQL)) {
            for (Alert alert : List.of(
                    new Alert("page", Instant.parse("2026-11-27T10:05:00Z"), Alert.State.RESOLVED, Alert.Kind.SPIKE,
                            6, 5.5, 0.0, 14.88, "page is back"),
                    new Alert("Order Completed", Instant.parse("2026-11-27T10:01:00Z"), Alert.State.FIRING, Alert.Kind.DROP,
                            0, 20.0, 2.11, 37.89, "no orders"))) {
                AlertsUpsert.bind(statement, alert);
                statement.executeUpdate();
            }
        }
    }

    @AfterAll
    void stop() {
        eddy.close();
    }

    @Test
    void rowsInRangeOrderedByStartThenEvent() throws Exception {
        // from and to are aligned down to the minute: [10:00, 10:02)
        HttpResponse<String> response = eddy.get("/v1/metrics/events?from=2026-11-27T10:00:30Z&to=2026-11-27T10:02:59Z", BEARER);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("""
                {"interval":"minute","series":[
                  {"start":"2026-11-27T10:00:00Z","event":"Order Completed","count":1,"users":1,"final":true},
                  {"start":"2026-11-27T10:00:00Z","event":"page","count":5,"users":4,"final":true},
                  {"start":"2026-11-27T10:01:00Z","event":"page","count":2,"users":2,"final":false}]}"""));
    }

    @Test
    void eventFilter() throws Exception {
        HttpResponse<String> response = eddy.get(
                "/v1/metrics/events?from=2026-11-27T09:00:00Z&to=2026-11-27T11:00:00Z&event=Order%20Completed", BEARER);
        assertThat(json(response.body()).path("series")).hasSize(1);
        assertThat(json(response.body()).path("series").get(0).path("event").asText()).isEqualTo("Order Completed");
    }

    @Test
    void readKeyIsRequired() throws Exception {
        HttpResponse<String> missing = eddy.get("/v1/metrics/events?from=2026-11-27T09:00:00Z&to=2026-11-27T11:00:00Z", null);
        HttpResponse<String> writeKeyInstead = eddy.get("/v1/metrics/events?from=2026-11-27T09:00:00Z&to=2026-11-27T11:00:00Z",
                "Bearer " + RunningServer.WRITE_KEY);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(error(missing).path("field").asText()).isEqualTo("Authorization");
        assertThat(writeKeyInstead.statusCode()).isEqualTo(401);
        assertThat(error(writeKeyInstead).path("message").asText()).isEqualTo("unknown read key");
    }

    @Test
    void badRangesAreNamed() throws Exception {
        HttpResponse<String> unparseable = eddy.get("/v1/metrics/events?from=yesterday&to=2026-11-27T11:00:00Z", BEARER);
        HttpResponse<String> missingTo = eddy.get("/v1/metrics/events?from=2026-11-27T09:00:00Z", BEARER);
        HttpResponse<String> reversed = eddy.get("/v1/metrics/events?from=2026-11-27T12:00:00Z&to=2026-11-27T11:00:00Z", BEARER);
        HttpResponse<String> tooLong = eddy.get("/v1/metrics/events?from=2026-01-01T00:00:00Z&to=2026-11-27T00:00:00Z", BEARER);

        assertThat(List.of(unparseable, missingTo, reversed, tooLong)).extracting(HttpResponse::statusCode).containsOnly(400);
        assertThat(error(unparseable).path("field").asText()).isEqualTo("from");
        assertThat(error(unparseable).path("message").asText()).isEqualTo("'yesterday' is not an ISO-8601 instant such as 2026-11-27T10:00:00Z");
        assertThat(error(missingTo).path("field").asText()).isEqualTo("to");
        assertThat(error(reversed).path("message").asText()).isEqualTo("from (2026-11-27T12:00:00Z) is after to (2026-11-27T11:00:00Z)");
        assertThat(error(tooLong).path("message").asText()).contains("query.maxRange");
    }

    @Test
    void valuesTheViewsCannotHoldAreNamed() throws Exception {
        HttpResponse<String> farFuture = eddy.get("/v1/metrics/events?from=%2B300000-01-01T00:00:00Z&to=%2B300000-01-01T00:00:00Z", BEARER);
        HttpResponse<String> nulInName = eddy.get("/v1/metrics/events?from=2026-11-27T09:00:00Z&to=2026-11-27T11:00:00Z&event=a%00b", BEARER);

        assertThat(List.of(farFuture, nulInName)).extracting(HttpResponse::statusCode).containsOnly(400);
        assertThat(error(farFuture).path("field").asText()).isEqualTo("from");
        assertThat(error(farFuture).path("message").asText()).isEqualTo("'+300000-01-01T00:00:00Z' is outside the years 1 to 9999");
        assertThat(error(nulInName).path("field").asText()).isEqualTo("event");
        assertThat(error(nulInName).path("message").asText())
                .isEqualTo("event must not contain the NUL character (U+0000), which PostgreSQL cannot store");
    }

    @Test
    void aRangeOfMoreRowsThanOneAnswerHoldsIsNamed() throws Exception {
        // three series over 23 days of 2025: one row more than an answer holds
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        List<MinuteMetric> rows = new ArrayList<>();
        for (int minute = 0; rows.size() <= MetricsQuery.MAX_ROWS; minute++) {
            for (String event : List.of("a", "b", "c")) {
                if (rows.size() <= MetricsQuery.MAX_ROWS) rows.add(new MinuteMetric(start.plusSeconds(60L * minute), event, 1, 1, true));
            }
        }
        MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.EVENTS, rows);
        String range = "from=2025-01-01T00:00:00Z&to=2025-01-31T00:00:00Z";

        HttpResponse<String> all = eddy.get("/v1/metrics/events?" + range, BEARER);
        HttpResponse<String> one = eddy.get("/v1/metrics/events?" + range + "&event=a", BEARER);

        assertThat(all.statusCode()).isEqualTo(400);
        assertThat(error(all).path("field").asText()).isEqualTo("to");
        assertThat(error(all).path("message").asText())
                .isEqualTo("the range holds more than 100000 rows: narrow it, or ask for one event");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one.body()).path("series")).hasSize((int) rows.stream().filter(r -> r.event().equals("a")).count());
    }

    @Test
    void alertsOfTheRangeByMinuteWithTheirIds() throws Exception {
        HttpResponse<String> response = eddy.get("/v1/alerts?from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z", BEARER);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("""
                {"alerts":[
                  {"id":"Order Completed@2026-11-27T10:01:00Z/firing","series":"Order Completed",
                   "minute":"2026-11-27T10:01:00Z","state":"firing","kind":"drop","count":0,
                   "expected":20.0,"low":2.11,"high":37.89,"message":"no orders"},
                  {"id":"page@2026-11-27T10:05:00Z/resolved","series":"page","minute":"2026-11-27T10:05:00Z",
                   "state":"resolved","kind":"spike","count":6,"expected":5.5,"low":0.0,"high":14.88,
                   "message":"page is back"}]}"""));
        HttpResponse<String> page = eddy.get("/v1/alerts?from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z&series=page", BEARER);
        assertThat(json(page.body()).path("alerts")).extracting(a -> a.path("series").asText()).containsExactly("page");

        HttpResponse<String> noKey = eddy.get("/v1/alerts?from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z", null);
        assertThat(noKey.statusCode()).isEqualTo(401);
        HttpResponse<String> badSeries = eddy.get("/v1/alerts?from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z&series=a%00b", BEARER);
        assertThat(badSeries.statusCode()).isEqualTo(400);
        assertThat(error(badSeries).path("field").asText()).isEqualTo("series");
        assertThat(error(badSeries).path("message").asText())
                .isEqualTo("series must not contain the NUL character (U+0000), which PostgreSQL cannot store");
    }

    @Test
    void openApiDescribesIngestAndQuery() throws Exception {
        JsonNode api = json(eddy.get("/openapi.json", null).body());
        assertThat(api.path("paths").has("/v1/batch")).isTrue();
        assertThat(api.path("paths").has("/v1/events")).isTrue();
        assertThat(api.path("paths").has("/v1/metrics/events")).isTrue();
        assertThat(api.path("paths").has("/v1/live")).isTrue();
        assertThat(api.path("paths").has("/v1/alerts")).isTrue();
        assertThat(api.path("paths").has("/")).isTrue();
    }

    private static JsonNode error(HttpResponse<String> response) {
        return json(response.body()).path("errors").get(0);
    }
}
