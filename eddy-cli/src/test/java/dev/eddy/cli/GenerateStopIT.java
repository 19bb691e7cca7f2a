package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eddy.runtime.InstanceFile;
import dev.eddy.runtime.process.EddyProcess;
import dev.eddy.workload.truth.TruthFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eddy generate} without an end, stopped as a user stops it (SIGTERM, as Ctrl-C does):
 * it still writes the ground truth of what it sent and its summary, against a real Eddy.
 */
class GenerateStopIT {

    private static final Pattern ACCEPTED = Pattern.compile("(?m)^eddy_ingest_events_accepted_total (\\S+)$");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStoppedRunWritesTheTruthOfEverythingItSent(@TempDir Path dir) throws Exception {
        try (EddyProcess eddy = EddyProcess.start(dir.resolve("data"), List.of("-Xmx768m"), Map.of(), List.of(),
                Duration.ofMinutes(3))) {
            InstanceFile instance = eddy.instance();
            Path truth = dir.resolve("truth.json");
            Path out = dir.resolve("generate.out");
            Process generate = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), EddyProcess.MAIN_CLASS, "generate",
                    "--url", instance.url(), "--write-key", instance.writeKeys().get(0), "--rate", "500",
                    "--truth", truth.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                await().atMost(Duration.ofMinutes(1)).until(() -> accepted(instance) >= 1_000);

                generate.destroy();

                assertThat(generate.waitFor(1, TimeUnit.MINUTES)).isTrue();
            } finally {
                generate.destroyForcibly();
            }
            TruthFile written = TruthFile.read(truth);
            assertThat(written.events()).isEqualTo(accepted(instance)).isGreaterThanOrEqualTo(1_000);
            assertThat(written.series()).isNotEmpty();
            assertThat(Files.readString(out)).contains("sent " + written.events() + " events (" + written.events()
                    + " acknowledged, 0 duplicates re-sent)", "ground truth: " + truth);
        }
    }

    /** Events Eddy has acknowledged, from its Prometheus metrics. */
    private long accepted(InstanceFile instance) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(instance.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = ACCEPTED.matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
