package dev.eddy.server;

import static dev.eddy.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.metrics.ViewLimits;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.store.MinuteRange;
import dev.eddy.store.alerts.AlertsUpsert;
import dev.eddy.store.funnels.FunnelsUpsert;
import dev.eddy.store.metrics.MinuteView;
import dev.eddy.store.metrics.MetricsUpsert;
import dev.eddy.store.sessions.SessionsUpsert;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
        MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.PAGES, List.of(
                new MinuteMetric(Instant.parse("2026-11-27T09:59:00Z"), "/docs", 50, 20, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:00:00Z"), "/home", 5, 4, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:00:00Z"), "/product/p-007", 3, 2, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:00:00Z"), "/Pricing", 3, 3, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:01:00Z"), "/home", 2, 2, false),
                new MinuteMetric(Instant.parse("2026-11-27T10:01:00Z"), "/docs", 3, 1, false),
                new MinuteMetric(Instant.parse("2026-11-27T10:02:00Z"), "/home", 9, 9, false)));
        SessionsUpsert.upsertAll(eddy.store.dataSource(), List.of(
                new SessionMetric(Instant.parse("2026-11-27T09:59:00Z"), 4, 4, 400_000, 20, 1),
                new SessionMetric(Instant.parse("2026-11-27T10:00:00Z"), 10, 9, 1_234_500, 37, 3),
                new SessionMetric(Instant.parse("2026-11-27T10:01:00Z"), 5, 2, 61_000, 4, 1),
                new SessionMetric(Instant.parse("2026-11-27T10:03:00Z"), 2, 0, 0, 0, 0),
                new SessionMetric(Instant.parse("2026-11-27T10:05:00Z"), 1, 1, 0, 1, 1)));
        // checkout has five steps, signup two (RunningServer.FUNNELS)
        FunnelsUpsert.upsertAll(eddy.store.dataSource(), List.of(
                new FunnelMetric("checkout", Instant.parse("2026-11-27T09:59:00Z"), List.of(9L, 9L, 9L, 9L, 9L)),
                new FunnelMetric("checkout", Instant.parse("2026-11-27T10:00:00Z"), List.of(20L, 10L, 1L, 0L, 0L)),
                // left with no session by a late event that joined two
                new FunnelMetric("checkout", Instant.parse("2026-11-27T10:01:00Z"), List.of(0L, 0L, 0L, 0L, 0L)),
                new FunnelMetric("checkout", Instant.parse("2026-11-27T10:02:00Z"), List.of(12L, 6L, 0L, 0L, 0L)),
                new FunnelMetric("checkout", Instant.parse("2026-11-27T10:05:00Z"), List.of(1L, 1L, 1L, 1L, 1L)),
                new FunnelMetric("signup", Instant.parse("2026-11-27T10:00:00Z"), List.of(3L, 2L))));
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
        // three series over 23 days of 2025
        List<MinuteMetric> rows = storeOneRowTooMany(MinuteView.EVENTS, Instant.parse("2025-01-01T00:00:00Z"), "a", "b", "c");
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
    void topPagesByViewsOverTheRangeTiesInPageOrder() throws Exception {
        HttpResponse<String> response = eddy.get("/v1/pages/top?from=2026-11-27T10:00:00Z&to=2026-11-27T10:02:00Z", BEARER);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("""
                {"pages":[
                  {"page":"/home","views":7},
                  {"page":"/Pricing","views":3},
                  {"page":"/docs","views":3},
                  {"page":"/product/p-007","views":3}]}"""));

        HttpResponse<String> two = eddy.get("/v1/pages/top?from=2026-11-27T09:00:00Z&to=2026-11-27T11:00:00Z&limit=2", BEARER);
        assertThat(json(two.body())).isEqualTo(json("""
                {"pages":[{"page":"/docs","views":53},{"page":"/home","views":16}]}"""));

        HttpResponse<String> none = eddy.get("/v1/pages/top?from=2026-11-27T12:00:00Z&to=2026-11-27T13:00:00Z", BEARER);
        assertThat(json(none.body())).isEqualTo(json("""
                {"pages":[]}"""));
    }

    @Test
    void topPagesAreTenUnlessTheLimitSays() throws Exception {
        // a day of its own: twelve pages, /page-12 with 12 views down to /page-01 with 1
        List<MinuteMetric> rows = new ArrayList<>();
        for (int views = 1; views <= 12; views++) {
            rows.add(new MinuteMetric(Instant.parse("2026-11-20T10:00:00Z"), "/page-%02d".formatted(views), views, 1, true));
        }
        MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.PAGES, rows);
        String range = "from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z";

        JsonNode ten = json(eddy.get("/v1/pages/top?" + range, BEARER).body()).path("pages");
        JsonNode all = json(eddy.get("/v1/pages/top?" + range + "&limit=1000", BEARER).body()).path("pages");

        assertThat(ten).extracting(p -> p.path("views").asLong()).containsExactly(12L, 11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L);
        assertThat(ten.get(0).path("page").asText()).isEqualTo("/page-12");
        assertThat(all).hasSize(12);
    }

    @Test
    void badLimitsAreNamed() throws Exception {
        String top = "/v1/pages/top?from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z&limit=";
        for (String limit : List.of("0", "1001", "ten", "2.5", "-1")) {
            HttpResponse<String> response = eddy.get(top + limit, BEARER);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response.body())).isEqualTo(json("""
                    {"success":false,"errors":[{"field":"limit",
                      "message":"limit must be a whole number from 1 to 1000, got '%s'"}]}""".formatted(limit)));
        }
    }

    @Test
    void pagesPerMinuteWithViewsAndVisitors() throws Exception {
        HttpResponse<String> response = eddy.get("/v1/metrics/pages?from=2026-11-27T10:00:00Z&to=2026-11-27T10:02:00Z", BEARER);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("""
                {"interval":"minute","series":[
                  {"start":"2026-11-27T10:00:00Z","page":"/Pricing","views":3,"visitors":3,"final":true},
                  {"start":"2026-11-27T10:00:00Z","page":"/home","views":5,"visitors":4,"final":true},
                  {"start":"2026-11-27T10:00:00Z","page":"/product/p-007","views":3,"visitors":2,"final":true},
                  {"start":"2026-11-27T10:01:00Z","page":"/docs","views":3,"visitors":1,"final":false},
                  {"start":"2026-11-27T10:01:00Z","page":"/home","views":2,"visitors":2,"final":false}]}"""));

        HttpResponse<String> home = eddy.get("/v1/metrics/pages?from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z&page=/home", BEARER);
        assertThat(json(home.body())).isEqualTo(json("""
                {"interval":"minute","series":[
                  {"start":"2026-11-27T10:00:00Z","page":"/home","views":5,"visitors":4,"final":true},
                  {"start":"2026-11-27T10:01:00Z","page":"/home","views":2,"visitors":2,"final":false},
                  {"start":"2026-11-27T10:02:00Z","page":"/home","views":9,"visitors":9,"final":false}]}"""));
    }

    @Test
    void pagesNeedAReadKeyAndARangeAndAPageAViewCanHold() throws Exception {
        String range = "from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z";
        for (String path : List.of("/v1/pages/top?" + range, "/v1/metrics/pages?" + range)) {
            HttpResponse<String> missing = eddy.get(path, null);
            HttpResponse<String> writeKeyInstead = eddy.get(path, "Bearer " + RunningServer.WRITE_KEY);
            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(error(missing).path("field").asText()).isEqualTo("Authorization");
            assertThat(writeKeyInstead.statusCode()).isEqualTo(401);
            assertThat(error(writeKeyInstead).path("message").asText()).isEqualTo("unknown read key");
        }
        for (String path : List.of("/v1/pages/top?to=2026-11-27T11:00:00Z", "/v1/metrics/pages?to=2026-11-27T11:00:00Z")) {
            HttpResponse<String> noFrom = eddy.get(path, BEARER);
            assertThat(noFrom.statusCode()).isEqualTo(400);
            assertThat(error(noFrom).path("field").asText()).isEqualTo("from");
            assertThat(error(noFrom).path("message").asText())
                    .isEqualTo("from is required: an ISO-8601 instant such as 2026-11-27T10:00:00Z");
        }
        HttpResponse<String> tooLong = eddy.get("/v1/pages/top?from=2026-01-01T00:00:00Z&to=2026-11-27T00:00:00Z", BEARER);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(error(tooLong).path("field").asText()).isEqualTo("to");
        assertThat(error(tooLong).path("message").asText()).contains("query.maxRange");

    }

    /** A page is looked up as the job files it: cut to 500 UTF-16 units, NUL replaced by U+FFFD. */
    @Test
    void aPageTheViewHoldsCutOrWithNulReplacedIsFoundByTheWholeName() throws Exception {
        String longPath = "/" + "a".repeat(600);
        MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.PAGES, List.of(
                new MinuteMetric(Instant.parse("2026-11-26T10:00:00Z"), ViewLimits.fitPage(longPath), 4, 2, true),
                new MinuteMetric(Instant.parse("2026-11-26T10:00:00Z"), "/a\uFFFDb", 1, 1, true)));
        String day = "from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z";

        HttpResponse<String> cut = eddy.get("/v1/metrics/pages?" + day + "&page=" + longPath, BEARER);
        HttpResponse<String> nul = eddy.get("/v1/metrics/pages?" + day + "&page=/a%00b", BEARER);

        assertThat(List.of(cut, nul)).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(json(cut.body()).path("series")).extracting(r -> r.path("page").asText() + "=" + r.path("views").asLong())
                .containsExactly(longPath.substring(0, 500) + "=4");
        assertThat(json(nul.body()).path("series")).extracting(r -> r.path("page").asText() + "=" + r.path("views").asLong())
                .containsExactly("/a\uFFFDb=1");
    }

    @Test
    void aRangeOfMorePageRowsThanOneAnswerHoldsIsNamed() throws Exception {
        // three pages over 23 days of 2024
        List<MinuteMetric> rows = storeOneRowTooMany(MinuteView.PAGES, Instant.parse("2024-01-01T00:00:00Z"), "/a", "/b", "/c");
        String range = "from=2024-01-01T00:00:00Z&to=2024-01-31T00:00:00Z";

        HttpResponse<String> all = eddy.get("/v1/metrics/pages?" + range, BEARER);
        HttpResponse<String> one = eddy.get("/v1/metrics/pages?" + range + "&page=/a", BEARER);
        HttpResponse<String> top = eddy.get("/v1/pages/top?" + range, BEARER);

        assertThat(all.statusCode()).isEqualTo(400);
        assertThat(json(all.body())).isEqualTo(json("""
                {"success":false,"errors":[{"field":"to",
                  "message":"the range holds more than 100000 rows: narrow it, or ask for one page"}]}"""));
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one.body()).path("series")).hasSize((int) rows.stream().filter(r -> r.event().equals("/a")).count());
        assertThat(json(top.body())).isEqualTo(json("""
                {"pages":[{"page":"/a","views":33334},{"page":"/b","views":33334},{"page":"/c","views":33333}]}"""));
    }

    @Test
    void sessionsOfTheRangeByMinuteWithTheTotalsAveragedOverTheEndedOnes() throws Exception {
        // from and to are aligned down to the minute: [10:00, 10:05)
        HttpResponse<String> response = eddy.get("/v1/sessions?from=2026-11-27T10:00:30Z&to=2026-11-27T10:05:59Z", BEARER);
        assertThat(response.statusCode()).isEqualTo(200);
        // 11 ended: 1,295,500 ms / 11 = 117.77 s, 41 events / 11 = 3.727, 4 bounces / 11 = 0.36364
        assertThat(json(response.body())).isEqualTo(json("""
                {"minutes":[
                  {"start":"2026-11-27T10:00:00Z","sessions":10,"ended":9,"lengthMillis":1234500,"events":37,"bounces":3},
                  {"start":"2026-11-27T10:01:00Z","sessions":5,"ended":2,"lengthMillis":61000,"events":4,"bounces":1},
                  {"start":"2026-11-27T10:03:00Z","sessions":2,"ended":0,"lengthMillis":0,"events":0,"bounces":0}],
                 "total":{"sessions":17,"ended":11,"averageLengthSeconds":117.8,"eventsPerSession":3.73,"bounceRate":0.3636}}"""));

        HttpResponse<String> allBounced = eddy.get("/v1/sessions?from=2026-11-27T10:05:00Z&to=2026-11-27T10:06:00Z", BEARER);
        assertThat(json(allBounced.body()).path("total")).isEqualTo(json("""
                {"sessions":1,"ended":1,"averageLengthSeconds":0.0,"eventsPerSession":1.0,"bounceRate":1.0}"""));
    }

    @Test
    void sessionAveragesAreNullWhileNoSessionOfTheRangeEnded() throws Exception {
        HttpResponse<String> open = eddy.get("/v1/sessions?from=2026-11-27T10:02:00Z&to=2026-11-27T10:04:00Z", BEARER);
        HttpResponse<String> none = eddy.get("/v1/sessions?from=2026-11-27T12:00:00Z&to=2026-11-27T13:00:00Z", BEARER);

        assertThat(json(open.body())).isEqualTo(json("""
                {"minutes":[{"start":"2026-11-27T10:03:00Z","sessions":2,"ended":0,"lengthMillis":0,"events":0,"bounces":0}],
                 "total":{"sessions":2,"ended":0,"averageLengthSeconds":null,"eventsPerSession":null,"bounceRate":null}}"""));
        assertThat(json(none.body())).isEqualTo(json("""
                {"minutes":[],
                 "total":{"sessions":0,"ended":0,"averageLengthSeconds":null,"eventsPerSession":null,"bounceRate":null}}"""));
    }

    @Test
    void sessionsNeedAReadKeyAndAGoodRange() throws Exception {
        String range = "from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z";
        HttpResponse<String> noKey = eddy.get("/v1/sessions?" + range, null);
        HttpResponse<String> writeKeyInstead = eddy.get("/v1/sessions?" + range, "Bearer " + RunningServer.WRITE_KEY);
        HttpResponse<String> badFrom = eddy.get("/v1/sessions?from=yesterday&to=2026-11-27T11:00:00Z", BEARER);
        HttpResponse<String> noTo = eddy.get("/v1/sessions?from=2026-11-27T10:00:00Z", BEARER);
        HttpResponse<String> tooLong = eddy.get("/v1/sessions?from=2026-01-01T00:00:00Z&to=2026-11-27T00:00:00Z", BEARER);

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey.body())).isEqualTo(json("""
                {"success":false,"errors":[{"field":"Authorization",
                  "message":"missing read key: send Authorization: Bearer <read key>"}]}"""));
        assertThat(writeKeyInstead.statusCode()).isEqualTo(401);
        assertThat(error(writeKeyInstead).path("message").asText()).isEqualTo("unknown read key");
        assertThat(List.of(badFrom, noTo, tooLong)).extracting(HttpResponse::statusCode).containsOnly(400);
        assertThat(json(badFrom.body())).isEqualTo(json("""
                {"success":false,"errors":[{"field":"from",
                  "message":"'yesterday' is not an ISO-8601 instant such as 2026-11-27T10:00:00Z"}]}"""));
        assertThat(error(noTo).path("field").asText()).isEqualTo("to");
        assertThat(json(tooLong.body())).isEqualTo(json("""
                {"success":false,"errors":[{"field":"to",
                  "message":"range PT7920H is longer than the maximum PT744H (query.maxRange)"}]}"""));
    }

    @Test
    void funnelsAreTheConfiguredOnesInTheirOrderWithTheirSteps() throws Exception {
        HttpResponse<String> response = eddy.get("/v1/funnels", BEARER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("""
                {"funnels":[
                  {"name":"checkout","steps":["page:Home","page:Product","track:Checkout Started",
                                              "track:Payment Info Entered","track:Order Completed"]},
                  {"name":"signup","steps":["page:Pricing","track:Signed Up"]}]}"""));
    }

    /**
     * 32 entered, 16 saw a product, 1 started a checkout, none paid: 1/32 = 0.03125 rounds half up
     * to 0.0313; none of none who paid ordered, so that share is null, not 0.
     */
    @Test
    void aFunnelOfTheRangeSumsItsMinutesPerStepWithTheShares() throws Exception {
        HttpResponse<String> response = eddy.get("/v1/funnels/checkout?from=2026-11-27T10:00:30Z&to=2026-11-27T10:05:59Z", BEARER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("""
                {"funnel":"checkout",
                 "steps":[
                  {"step":"page:Home","sessions":32,"ofFirst":1.0,"ofPrevious":null},
                  {"step":"page:Product","sessions":16,"ofFirst":0.5,"ofPrevious":0.5},
                  {"step":"track:Checkout Started","sessions":1,"ofFirst":0.0313,"ofPrevious":0.0625},
                  {"step":"track:Payment Info Entered","sessions":0,"ofFirst":0.0,"ofPrevious":0.0},
                  {"step":"track:Order Completed","sessions":0,"ofFirst":0.0,"ofPrevious":null}],
                 "minutes":[
                  {"start":"2026-11-27T10:00:00Z","reached":[20,10,1,0,0]},
                  {"start":"2026-11-27T10:02:00Z","reached":[12,6,0,0,0]}]}"""));

        HttpResponse<String> signup = eddy.get("/v1/funnels/signup?from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z", BEARER);
        // 2/3 = 0.66666… rounds up
        assertThat(json(signup.body()).path("steps")).isEqualTo(json("""
                [{"step":"page:Pricing","sessions":3,"ofFirst":1.0,"ofPrevious":null},
                 {"step":"track:Signed Up","sessions":2,"ofFirst":0.6667,"ofPrevious":0.6667}]"""));
    }

    @Test
    void aFunnelOfARangeWithNoSessionsHasNoSharesNotZeros() throws Exception {
        HttpResponse<String> response = eddy.get("/v1/funnels/signup?from=2026-11-27T12:00:00Z&to=2026-11-27T13:00:00Z", BEARER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("""
                {"funnel":"signup",
                 "steps":[{"step":"page:Pricing","sessions":0,"ofFirst":null,"ofPrevious":null},
                          {"step":"track:Signed Up","sessions":0,"ofFirst":null,"ofPrevious":null}],
                 "minutes":[]}"""));
    }

    @Test
    void aFunnelNotConfiguredIsNotFoundAndTheConfiguredOnesAreNamed() throws Exception {
        String range = "from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z";
        HttpResponse<String> unknown = eddy.get("/v1/funnels/Checkout?" + range, BEARER);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body())).isEqualTo(json("""
                {"success":false,"errors":[{"field":"name",
                  "message":"no funnel named 'Checkout': the configured ones are checkout, signup"}]}"""));

        EddyServer none = eddy.startServer(Clock.systemUTC(), EddyConfig.defaults().ingest(), Funnels.NONE);
        try {
            HttpResponse<String> noneConfigured = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + none.port() + "/v1/funnels/checkout?" + range)).header("Authorization", BEARER).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + none.port() + "/v1/funnels")).header("Authorization", BEARER).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(noneConfigured.statusCode()).isEqualTo(404);
            assertThat(error(noneConfigured)).isEqualTo(json("""
                    {"field":"name","message":"no funnel named 'checkout': none is configured (funnels: in eddy.yaml, e.g. checkout: [page:Home, track:Order Completed])"}"""));
            assertThat(json(list.body())).isEqualTo(json("""
                    {"funnels":[]}"""));
        } finally {
            none.close();
        }
    }

    @Test
    void funnelsNeedAReadKeyAndAGoodRange() throws Exception {
        String range = "from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z";
        HttpResponse<String> listWithoutKey = eddy.get("/v1/funnels", null);
        HttpResponse<String> noKey = eddy.get("/v1/funnels/checkout?" + range, null);
        // the key first: without one, not even which funnels there are
        HttpResponse<String> unknownWithoutKey = eddy.get("/v1/funnels/nope?" + range, null);
        HttpResponse<String> writeKeyInstead = eddy.get("/v1/funnels/checkout?" + range, "Bearer " + RunningServer.WRITE_KEY);
        HttpResponse<String> badFrom = eddy.get("/v1/funnels/checkout?from=yesterday&to=2026-11-27T11:00:00Z", BEARER);
        HttpResponse<String> noTo = eddy.get("/v1/funnels/checkout?from=2026-11-27T10:00:00Z", BEARER);
        HttpResponse<String> tooLong = eddy.get("/v1/funnels/checkout?from=2026-01-01T00:00:00Z&to=2026-11-27T00:00:00Z", BEARER);

        assertThat(List.of(listWithoutKey, noKey, unknownWithoutKey, writeKeyInstead))
                .extracting(HttpResponse::statusCode).containsOnly(401);
        assertThat(json(noKey.body())).isEqualTo(json("""
                {"success":false,"errors":[{"field":"Authorization",
                  "message":"missing read key: send Authorization: Bearer <read key>"}]}"""));
        assertThat(error(listWithoutKey)).isEqualTo(error(noKey));
        assertThat(error(unknownWithoutKey)).isEqualTo(error(noKey));
        assertThat(error(writeKeyInstead).path("message").asText()).isEqualTo("unknown read key");
        assertThat(List.of(badFrom, noTo, tooLong)).extracting(HttpResponse::statusCode).containsOnly(400);
        assertThat(json(badFrom.body())).isEqualTo(json("""
                {"success":false,"errors":[{"field":"from",
                  "message":"'yesterday' is not an ISO-8601 instant such as 2026-11-27T10:00:00Z"}]}"""));
        assertThat(error(noTo)).isEqualTo(json("""
                {"field":"to","message":"to is required: an ISO-8601 instant such as 2026-11-27T10:00:00Z"}"""));
        assertThat(json(tooLong.body())).isEqualTo(json("""
                {"success":false,"errors":[{"field":"to",
                  "message":"range PT7920H is longer than the maximum PT744H (query.maxRange)"}]}"""));
    }

    @Test
    void openApiDescribesIngestAndQuery() throws Exception {
        JsonNode api = json(eddy.get("/openapi.json", null).body());
        assertThat(api.path("paths").has("/v1/batch")).isTrue();
        assertThat(api.path("paths").has("/v1/events")).isTrue();
        assertThat(api.path("paths").has("/v1/metrics/events")).isTrue();
        assertThat(api.path("paths").has("/v1/live")).isTrue();
        assertThat(api.path("paths").has("/v1/alerts")).isTrue();
        assertThat(api.path("paths").has("/v1/metrics/pages")).isTrue();
        assertThat(api.path("paths").has("/v1/pages/top")).isTrue();
        assertThat(api.path("paths").has("/v1/sessions")).isTrue();
        assertThat(api.path("paths").has("/v1/funnels")).isTrue();
        assertThat(api.path("paths").has("/v1/funnels/{name}")).isTrue();
        assertThat(api.path("paths").has("/")).isTrue();
    }

    /**
     * Stores a row of one view per name and minute, minute after minute from {@code start}, until
     * it holds one row more than an answer does; returns the rows.
     */
    private List<MinuteMetric> storeOneRowTooMany(MinuteView view, Instant start, String... names) {
        List<MinuteMetric> rows = new ArrayList<>();
        for (int i = 0; i <= MinuteRange.MAX_ROWS; i++) {
            rows.add(new MinuteMetric(start.plusSeconds(60L * (i / names.length)), names[i % names.length], 1, 1, true));
        }
        MetricsUpsert.upsertAll(eddy.store.dataSource(), view, rows);
        return rows;
    }

    private static JsonNode error(HttpResponse<String> response) {
        return json(response.body()).path("errors").get(0);
    }
}
