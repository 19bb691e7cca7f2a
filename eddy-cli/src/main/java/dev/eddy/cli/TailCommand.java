package dev.eddy.cli;

import dev.eddy.bus.tail.TopicTail;
import dev.eddy.model.Topics;
import dev.eddy.runtime.InstanceFile;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code eddy tail TOPIC}: watch a topic without Kafka's own tools. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print a topic's records as JSON lines (key, headers, value), e.g. eddy tail eddy.events.invalid")
final class TailCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOPIC", description = "eddy.events, eddy.events.invalid, eddy.events.late, eddy.alerts, eddy.handler.<name>.dlt, …")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of the newest")
    boolean fromBeginning;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: the running Eddy's, from <data-dir>/eddy.json)")
    String bootstrap;

    @Option(names = "--data-dir", description = "Data dir of the running Eddy (default: as eddy run finds it, from EDDY_DATA_DIR or ./eddy.yaml, else ./eddy-data)")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // where eddy run puts it: EDDY_DATA_DIR or ./eddy.yaml, else the default
        if (dataDir == null) dataDir = Path.of(RuntimeOptions.load(null, Map.of()).dataDir());
        String servers = bootstrap != null ? bootstrap : RunningEddy.kafkaBootstrap(dataDir, spec,
                "start one with ./eddy run, or give its --data-dir, or --bootstrap for another Kafka");
        // JSON lines are UTF-8, whatever the locale makes of System.out (ASCII in a bare container)
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        TopicTail tail;
        try {
            tail = TopicTail.open(servers, topic, fromBeginning, out);
        } catch (IllegalArgumentException noSuchTopic) {
            throw new ParameterException(spec.commandLine(), noSuchTopic.getMessage() + " on Kafka at " + servers
                    + " (Eddy's: " + String.join(", ", Topics.ALL) + ")");
        } catch (TimeoutException e) {
            throw new ParameterException(spec.commandLine(), "no Kafka answers at " + servers + (bootstrap != null
                    ? " (--bootstrap)" : " (from " + InstanceFile.path(dataDir) + ": is that Eddy still running?)"));
        }
        try (tail) {
            Runtime.getRuntime().addShutdownHook(new Thread(tail::stop, "eddy-tail-stop"));
            tail.run();
        }
        return 0;
    }
}
