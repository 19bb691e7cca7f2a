package dev.eddy.server;

import static dev.eddy.server.RunningServer.basic;
import static dev.eddy.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.config.EddyConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Over the per-key rate limit: 429 with Retry-After, nothing accepted. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {
    /** One second's worth of events per write key. */
    static final int RATE = 5;

    @TempDir
    static Path dir;
    RunningServer eddy;

    @BeforeAll
    void start() {
        EddyConfig.Ingest limits = new EddyConfig.Ingest(EddyConfig.defaults().ingest().maxFutureSkew(), RATE);
        eddy = new RunningServer(dir, Clock.systemUTC(), limits, Duration.ofSeconds(2));
    }

    @AfterAll
    void stop() {
        eddy.close();
    }

    @Test
    void overTheRateLimitIs429WithRetryAfter() throws Exception {
        String batch = "{\"batch\":[" + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"},".repeat(RATE - 1)
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}]}";
        HttpResponse<String> first = eddy.post("/v1/batch", "application/json", basic(RunningServer.WRITE_KEY), batch);
        HttpResponse<String> second = eddy.post("/v1/batch", "application/json", basic(RunningServer.WRITE_KEY), batch);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(second.body()).path("accepted").asInt()).isZero();
    }
}
