package dev.eddy.cli;

import dev.eddy.model.config.EddyConfig;
import dev.eddy.runtime.EddyRuntime;
import dev.eddy.runtime.InstanceFile;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code eddy run}: everything, embedded, without traffic; stops cleanly on SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start Eddy: Kafka broker, Flink MiniCluster with the analytics job, views and HTTP API, in this process.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private static final String CHECKPOINT_FAILURES = "org.apache.flink.runtime.checkpoint.CheckpointFailureManager";
    private static final String CONTROLLER_APIS = "kafka.server.ControllerApis";

    @Mixin
    RuntimeOptions options;

    @Override
    public Integer call() throws Exception {
        EddyRuntime runtime = start(options.load());
        printAddresses(runtime.instance(), System.out);
        awaitShutdown(runtime::close);
        return 0;
    }

    /**
     * Starts Eddy. The embedded broker is its own KRaft controller, and in one start of four its
     * registration with that controller arrives before the controller is active: Kafka answers
     * it NotController, logs that as an ERROR with a stack, and the registration is retried. So
     * that controller's log is off until the broker answers (a start that fails still fails,
     * with its own error).
     */
    static EddyRuntime start(EddyConfig config) throws Exception {
        Configurator.setLevel(CONTROLLER_APIS, Level.OFF);
        try {
            return EddyRuntime.start(config);
        } finally {
            // log4j2.xml's level for all of Kafka
            Configurator.setLevel(CONTROLLER_APIS, Level.ERROR);
        }
    }

    static void printAddresses(InstanceFile eddy, PrintStream out) {
        out.println();
        out.println("  Eddy is ready.");
        // the key rides in the fragment, which the browser keeps to itself; the page stores it
        out.println("  Dashboard:             " + eddy.url() + "/#key="
                + URLEncoder.encode(eddy.readKeys().get(0), StandardCharsets.UTF_8));
        out.println("  Ingest (Segment API):  " + eddy.url() + "/v1/batch   write key: " + String.join(", ", eddy.writeKeys()));
        out.println("  Query API:             " + eddy.url() + "/v1/metrics/events   read key: " + String.join(", ", eddy.readKeys()));
        out.println("  Top pages:             " + eddy.url() + "/v1/pages/top   (per minute: /v1/metrics/pages)");
        out.println("  Sessions:              " + eddy.url() + "/v1/sessions   (by minute of their start; one is over"
                + " once its visitor was quiet for stream.sessionGap, 30m by default)");
        out.println("  Funnels:               " + eddy.url() + "/v1/funnels   (how many sessions reached each step of"
                + " the funnels in the config, funnels:)");
        out.println("  Alerts:                " + eddy.url() + "/v1/alerts   (and eddy.alerts; a series is judged"
                + " once it has 10 minutes of history)");
        out.println("  Flink UI:              " + eddy.flinkUrl());
        out.println("  Kafka:                 " + eddy.kafkaBootstrap());
        out.println("  Health / metrics:      " + eddy.url() + "/readyz  " + eddy.url() + "/metrics");
        out.println("  Instance file:         " + InstanceFile.path(java.nio.file.Path.of(eddy.dataDir())));
        out.println();
        out.println("  Try:  curl -u " + eddy.writeKeys().get(0) + ": -H 'Content-Type: application/json' "
                + eddy.url() + "/v1/track -d '{\"userId\":\"u1\",\"event\":\"Signed Up\"}'");
        out.println("  Stop with Ctrl-C.");
        out.println();
        out.flush();
    }

    /** Blocks until the JVM is asked to stop, then runs {@code stop} before it exits. */
    static void awaitShutdown(Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // stopping cancels the embedded analytics job, and a checkpoint then in flight (one
                // every 2 s) fails "Checkpoint Coordinator is suspending": Flink's warning with its
                // stack at one stop in two, for what a stop always does; the last complete one is kept
                Configurator.setLevel(CHECKPOINT_FAILURES, Level.ERROR);
                stop.run();
                LOG.info("Eddy stopped");
            } finally {
                stopped.countDown();
                // log4j2.xml leaves this to us: whatever the parts logged as they stopped is out
                LogManager.shutdown();
            }
        }, "eddy-shutdown"));
        stopped.await();
    }
}
