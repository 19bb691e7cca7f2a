package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code eddy replay}'s user errors, said before anything connects: one line that says what to change, exit code 2. */
class ReplayCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int eddy(String... args) {
        CommandLine eddy = EddyCommand.commandLine();
        eddy.setErr(new PrintWriter(err, true));
        return eddy.execute(args);
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
