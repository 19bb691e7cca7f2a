package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a new user sees for the mistakes they make first: one line that says what to change, exit code 2. */
class UserErrorsTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int eddy(String... args) {
        CommandLine eddy = EddyCommand.commandLine();
        eddy.setErr(new PrintWriter(err, true));
        return eddy.execute(args);
    }

    @Test
    void aPortInUseIsNamedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();

            int exit = eddy("run", "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString());

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).startsWith("eddy: server.port (--port) " + port + " cannot be listened on (Address already in use)")
                    .endsWith("): stop what listens there (another Eddy?) or choose another port" + System.lineSeparator())
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aSecondEddyOnOneDataDirIsTurnedAway() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        // as a running Eddy holds it
        try (FileChannel channel = FileChannel.open(data.resolve("eddy.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {

            int exit = eddy("run", "--port", "0", "--kafka-port", "0", "--flink-port", "0", "--data-dir", data.toString());

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("eddy: another Eddy runs on the data dir " + data.toAbsolutePath()
                    + ": stop it, or start this one with its own --data-dir" + System.lineSeparator());
        }
    }

    @Test
    void tailWithoutARunningEddySaysHowToPointItAtOne() {
        int exit = eddy("tail", "eddy.events", "--data-dir", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("no running Eddy in " + dir + " (no eddy.json): start one with ./eddy run,"
                + " or give its --data-dir, or --bootstrap for another Kafka").doesNotContain("\tat ");
    }

    @Test
    void tailLooksWhereRunPutsTheDataDir() throws Exception {
        // EDDY_DATA_DIR, as eddy run reads it: only a process of its own can be given an environment
        ProcessBuilder tail = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EddyCommand.class.getName(), "tail", "eddy.events")
                .directory(dir.toFile()).redirectErrorStream(true);
        tail.environment().put("EDDY_DATA_DIR", dir.resolve("elsewhere").toString());
        Process process = tail.start();

        String said = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(said).startsWith("no running Eddy in " + dir.resolve("elsewhere") + " (no eddy.json)");
    }

    @Test
    void generateSaysAtOnceWhenNothingAnswersAtItsUrl() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }

        int exit = eddy("generate", "--url", "http://127.0.0.1:" + closed, "--write-key", "k", "--count", "1",
                "--retry-timeout", "1s");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("eddy generate: nothing answers at http://127.0.0.1:" + closed
                + " (connection refused)").contains("; retrying each batch for up to 1s (--retry-timeout)"
                + System.lineSeparator() + "eddy generate: ");
    }

    @Test
    void aDurationThatIsNotOneNamesTheOption() {
        int exit = eddy("generate", "--url", "http://127.0.0.1:9", "--write-key", "k", "--duration", "5min");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("Invalid value for option '--duration': '5min' is not a duration"
                + " (use e.g. 200ms, 5s, 10m, 1h, 7d or PT5S)").doesNotContain("\tat ");
    }

    @Test
    void generateOptionValuesItCannotTakeAreUsageErrorsBeforeAnythingIsSent() {
        String url = "http://127.0.0.1:9";

        assertThat(eddy("generate", "--url", url, "--write-key", "k", "--rate", "0")).isEqualTo(2);
        assertThat(eddy("generate", "--url", "localhost:8080", "--write-key", "k")).isEqualTo(2);
        assertThat(eddy("generate", "--url", url, "--write-key", "k", "--truth", dir.resolve("no/such/t.json").toString()))
                .isEqualTo(2);
        assertThat(eddy("generate", "--url", url, "--write-key", "k", "--funnel", "checkout=page:Home")).isEqualTo(2);
        assertThat(eddy("generate", "--url", url, "--write-key", "k", "--funnel", "a=page:Home,click:Buy")).isEqualTo(2);
        assertThat(eddy("generate", "--url", url, "--write-key", "k", "--funnel", "Check Out=page:Home,track:Buy"))
                .isEqualTo(2);

        assertThat(err.toString().lines().filter(line -> line.startsWith("invalid option value") || line.startsWith("--")))
                .containsExactly(
                        "invalid option value: rate must be positive and finite: 0.0",
                        "--url must start with http:// or https://, got 'localhost:8080'",
                        "--truth: there is no directory " + dir.resolve("no/such"),
                        "--funnel: funnels.checkout: must have from 2 to 16 steps, got 1",
                        "--funnel: 'click' is not a funnel step kind: page (page and screen calls by name) or track (by event name)",
                        "--funnel: funnels: 'Check Out' is not a funnel name (lowercase letters, digits and '-', at most 63,"
                                + " starting with a letter or digit)");
        assertThat(err.toString()).doesNotContain("\tat ", "nothing answers");
    }

    @Test
    void demoRefusesARateItCannotSendBeforeStartingAnything() {
        int exit = eddy("demo", "--rate", "0", "--data-dir", dir.resolve("data").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("--rate must be a positive number of events per second, got 0.0")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void anUnknownHandlerIsNamedWithTheConfiguredOnes() throws Exception {
        Path config = Files.writeString(dir.resolve("eddy.yaml"), """
                handlers:
                  signup-hook:
                    url: http://127.0.0.1:9/signups
                  checkout-alerts:
                    url: http://127.0.0.1:9/alerts
                    subscribe: alerts
                """);

        int exit = eddy("replay", "signup-hooks", "--config", config.toString(), "--data-dir", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("no handler 'signup-hooks' in " + config + "; its handlers: checkout-alerts, signup-hook"
                + System.lineSeparator()).doesNotContain("\tat ");
    }

    @Test
    void aConfigWithoutHandlersSaysSo() throws Exception {
        Path config = Files.writeString(dir.resolve("eddy.yaml"), "server:\n  port: 0\n");

        int exit = eddy("replay", "signup-hook", "--config", config.toString(), "--data-dir", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("no handler 'signup-hook': the config declares none (handlers: in " + config + ")");
    }

    @Test
    void withoutARunningEddyItSaysToStartOneFirst() throws Exception {
        Path config = Files.writeString(dir.resolve("eddy.yaml"), "handlers:\n  signup-hook:\n    url: http://127.0.0.1:9/x\n");
        Path data = dir.resolve("data");

        int exit = eddy("replay", "signup-hook", "--config", config.toString(), "--data-dir", data.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("no running Eddy in " + data + " (no eddy.json): start Eddy first (./eddy run),"
                + " whose Kafka holds eddy.handler.signup-hook.dlt, or give its --data-dir, or set kafka.bootstrap")
                .doesNotContain("\tat ");
    }
}
