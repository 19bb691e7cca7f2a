package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A mistyped {@code kafka.bootstrap} is named in one line once the admin timeout (30 s) passed,
 * and what had started beside it stops: an IT for that wait.
 */
class UnreachableKafkaIT {

    @Test
    void aKafkaThatDoesNotAnswerIsNamedBySetting(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("eddy.yaml"), "kafka:\n  bootstrap: 127.0.0.1:" + closed + "\n");
        StringWriter err = new StringWriter();
        CommandLine eddy = EddyCommand.commandLine();
        eddy.setErr(new PrintWriter(err, true));

        int exit = eddy.execute("run", "--config", config.toString(), "--data-dir", dir.resolve("data").toString(),
                "--port", "0", "--flink-port", "0");

        assertThat(exit).isEqualTo(2);
        // the rest is Kafka's own words: "Kafka admin request failed: Timed out waiting for a node assignment. …"
        assertThat(err.toString()).startsWith("eddy: kafka.bootstrap: cannot set up Eddy's topics on 127.0.0.1:" + closed
                + ": Kafka admin request failed: Timed out").hasLineCount(1);
    }
}
