package dev.eddy.server;

import static dev.eddy.server.RunningServer.basic;
import static dev.eddy.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.config.EddyConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Kafka gone: 503 with Retry-After, winning over 400 for a request that also has bad events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaUnavailableIT {
    @TempDir
    static Path dir;
    RunningServer eddy;

    @BeforeAll
    void start() {
        eddy = new RunningServer(dir, Clock.systemUTC(), EddyConfig.defaults().ingest(), Duration.ofSeconds(2));
        eddy.broker.close();
    }

    @AfterAll
    void stop() {
        eddy.close();
    }

    @Test
    void kafkaGoneIs503WithRetryAfterEvenForBadEvents() throws Exception {
        HttpResponse<String> response = eddy.post("/v1/batch", "application/json", basic(RunningServer.WRITE_KEY),
                "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"},{\"type\":\"track\",\"event\":\"no user\"}]}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(json(response.body()).path("success").asBoolean()).isFalse();
        assertThat(json(response.body()).path("accepted").asInt()).isZero();
        assertThat(json(response.body()).path("errors").get(0).path("message").asText())
                .startsWith("Kafka cannot take writes now, retry later");
    }

    /**
     * The producer has no metadata for the topic, so each write blocks for the produce timeout
     * (2 s here) before it fails: a batch of 100 must not hold its client, and a Jetty thread,
     * for 100 of them. Bounded far above one timeout, far below many: a hang check, not a timing.
     */
    @Test
    void aWholeBatchGetsItsAnswerAfterOneWriteFailedNotOneTimeoutPerEvent() throws Exception {
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 100; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E").append(i).append("\"}");
        }
        HttpResponse<String> response = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/batch"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", basic(RunningServer.WRITE_KEY)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.append("]}").toString())).build());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).path("accepted").asInt()).isZero();
    }
}
