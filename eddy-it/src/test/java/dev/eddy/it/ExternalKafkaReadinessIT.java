package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.model.EventJson;
import dev.eddy.runtime.process.EddyProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code kafka.bootstrap} set, Eddy runs no broker of its own; {@code /readyz} still says
 * whether Kafka can take its writes, as ingest does (503 while it cannot).
 */
class ExternalKafkaReadinessIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readyzFollowsTheExternalCluster() throws Exception {
        Path dir = Eddies.freshDataDir(ExternalKafkaReadinessIT.class);
        EmbeddedKafka cluster = new EmbeddedKafka(dir.resolve("cluster"), 0).start();
        try (EddyProcess eddy = Eddies.start(dir.resolve("eddy"), Map.of("EDDY_KAFKA_BOOTSTRAP", cluster.bootstrapServers()))) {
            String url = eddy.instance().url() + "/readyz";
            HttpResponse<String> up = get(url);
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(EventJson.MAPPER.readTree(up.body()).path("checks").path("kafka").asBoolean()).isTrue();

            cluster.close();

            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                HttpResponse<String> down = get(url);
                JsonNode checks = EventJson.MAPPER.readTree(down.body()).path("checks");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(checks.path("kafka").asBoolean(true)).isFalse();
            });
        } finally {
            cluster.close();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
