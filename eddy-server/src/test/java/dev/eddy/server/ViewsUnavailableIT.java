package dev.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.metrics.MetricsUpsert;
import dev.eddy.store.metrics.MinuteView;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The views' database slow or gone: the query API answers 503 with what to do, in time, rather
 * than hang or answer a bare 500. Reads here may run for 1 s ({@code query.timeout}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewsUnavailableIT {
    private static final String BEARER = "Bearer " + RunningServer.READ_KEY;
    private static final String RANGE = "from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z";
    /** Every query of the views, each over the range. */
    private static final List<String> QUERIES = List.of("/v1/metrics/events?" + RANGE, "/v1/metrics/pages?" + RANGE,
            "/v1/pages/top?" + RANGE, "/v1/sessions?" + RANGE, "/v1/funnels/checkout?" + RANGE, "/v1/alerts?" + RANGE);

    @TempDir
    static Path dir;
    RunningServer eddy;

    @BeforeAll
    void start() {
        eddy = new RunningServer(dir, Clock.systemUTC(), EddyConfig.defaults().ingest(),
                EventPublisher.DEFAULT_DELIVERY_TIMEOUT, Duration.ofSeconds(1));
    }

    @AfterAll
    void stop() {
        eddy.close();
    }

    @Test
    @Order(1)
    void aQueryOutOfTimeIs503SayingToNarrowTheRange() throws Exception {
        MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.PAGES, List.of(
                new MinuteMetric(Instant.parse("2026-11-27T10:00:00Z"), "/docs", 2, 1, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:00:00Z"), "/home", 3, 2, true)));
        // the pages view behind a view of its name that never answers: a millisecond's sleep for each of a billion rows
        execute("ALTER TABLE page_metrics RENAME TO page_metrics_rows",
                "CREATE ALIAS PAUSE FOR 'java.lang.Thread.sleep'",
                "CREATE VIEW page_metrics AS SELECT r.* FROM page_metrics_rows r, SYSTEM_RANGE(1, 1000000000) s"
                        + " WHERE PAUSE(1 + s.X * 0) IS NOT NULL");
        for (String query : List.of("/v1/metrics/pages?" + RANGE, "/v1/pages/top?" + RANGE)) {
            HttpResponse<String> response = eddy.get(query, BEARER);

            assertThat(response.statusCode()).as(query).isEqualTo(503);
            JsonNode error = RunningServer.json(response.body()).path("errors").get(0);
            assertThat(error.path("field").asText()).as(query).isEqualTo("to");
            assertThat(error.path("message").asText()).as(query)
                    .isEqualTo("the query ran longer than 1s (query.timeout): narrow the range");
        }
        execute("DROP VIEW page_metrics", "ALTER TABLE page_metrics_rows RENAME TO page_metrics");
        assertThat(eddy.get("/v1/pages/top?" + RANGE, BEARER).body()).as("answered again")
                .isEqualTo("{\"pages\":[{\"page\":\"/home\",\"views\":3},{\"page\":\"/docs\",\"views\":2}]}");
    }

    private void execute(String... sql) throws SQLException {
        try (Connection connection = eddy.store.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) statement.execute(each);
        }
    }

    @Test
    @Order(2)
    void theDatabaseGoneIs503WithRetryAfterAndTheDatabasesWords() throws Exception {
        eddy.store.close();
        for (String query : QUERIES) {
            HttpResponse<String> response = eddy.get(query, BEARER);

            assertThat(response.statusCode()).as(query).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).as(query).hasValue("5");
            JsonNode body = RunningServer.json(response.body());
            assertThat(body.path("success").asBoolean(true)).isFalse();
            assertThat(body.path("errors").get(0).path("message").asText()).as(query)
                    .isEqualTo("the views' database failed to answer, retry later: HikariDataSource HikariDataSource (eddy-views) has been closed.");
        }
    }
}
