package dev.eddy.cli;

import dev.eddy.handlers.DeadLetterReplay;
import dev.eddy.model.Topics;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.runtime.InstanceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code eddy replay <handler>}: once a receiver is fixed, the events its handler could not
 * deliver get another chance, from the handler's dead-letter topic, without Kafka's own tools.
 * The handler is taken from the config as {@code run} loads it, so the replay posts where and as
 * the handler does now; Kafka is {@code kafka.bootstrap}, else the running Eddy's embedded broker.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Post a handler's dead letters (eddy.handler.<name>.dlt) to its URL again, as the handler posts its events;"
                + " what is not delivered goes back on the dead-letter topic. Each run goes on where the last one stopped"
                + " (consumer group eddy.handler.<name>.replay) and ends at the topic's end as it was at its start.",
                "Uses kafka.bootstrap, else the Kafka of the Eddy running on the data dir: start it first."})
final class ReplayCommand implements Callable<Integer> {
    /** How long a Ctrl-C waits for the replay to commit its place and close. */
    private static final long STOP_WAIT_SECONDS = 20;

    @Parameters(index = "0", paramLabel = "HANDLER", description = "The handler's name, as declared under handlers: in the config")
    String handler;

    @Option(names = "--config", description = "YAML config file (default: eddy.yaml when it exists), as eddy run loads it")
    Path config;

    @Option(names = "--data-dir", description = "Data dir of the running Eddy, whose Kafka is used unless kafka.bootstrap is set (default: as eddy run finds it)")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EddyConfig loaded = RuntimeOptions.load(config, dataDir == null ? Map.of() : Map.of("dataDir", dataDir.toString()));
        EddyConfig.Handler configured = loaded.handlers().get(handler);
        if (configured == null) throw new ParameterException(spec.commandLine(), unknownHandler(loaded));
        String bootstrap = bootstrap(loaded);
        DeadLetterReplay replay;
        try {
            replay = DeadLetterReplay.open(handler, configured, bootstrap, loaded.kafka().produceTimeout());
        } catch (DeadLetterReplay.KafkaUnreachable e) {
            throw new ParameterException(spec.commandLine(), e.getMessage() + (loaded.kafka().embedded()
                    ? " (from " + InstanceFile.path(Path.of(loaded.dataDir())) + ": is that Eddy still running?)"
                    : " (kafka.bootstrap)"));
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch closed = new CountDownLatch(1);
        // Ctrl-C: the post in flight is left to the next run, what was handled is committed already
        Thread stop = new Thread(() -> {
            try {
                replay.stop();
            } catch (RuntimeException closedMeanwhile) {
                return; // it had ended
            }
            try {
                closed.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "eddy-replay-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try (replay) {
            DeadLetterReplay.Summary summary = replay.run();
            out.println(summary + (summary.stopped() ? " (stopped: the next run goes on from there)" : ""));
            return 0;
        } catch (DeadLetterReplay.Failed e) {
            out.println(e.summary() + " (stopped)");
            out.flush();
            spec.commandLine().getErr().println("eddy replay: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, and has just been let go
            }
        }
    }

    private String unknownHandler(EddyConfig loaded) {
        if (loaded.handlers().isEmpty()) {
            return "no handler '" + handler + "': the config declares none (handlers: in " + configName() + ")";
        }
        return "no handler '" + handler + "' in " + configName() + "; its handlers: "
                + String.join(", ", new TreeSet<>(loaded.handlers().keySet()));
    }

    private String configName() {
        if (config != null) return config.toString();
        return Files.exists(Path.of("eddy.yaml")) ? "eddy.yaml" : "the config (no --config, no ./eddy.yaml)";
    }

    /** {@code kafka.bootstrap}, else the embedded broker of the Eddy running on the data dir. */
    private String bootstrap(EddyConfig loaded) throws IOException {
        if (!loaded.kafka().embedded()) return loaded.kafka().bootstrap();
        return RunningEddy.kafkaBootstrap(Path.of(loaded.dataDir()), spec, "start Eddy first (./eddy run), whose Kafka holds "
                + Topics.handlerDeadLetter(handler) + ", or give its --data-dir, or set kafka.bootstrap");
    }
}
