package dev.eddy.cli;

import dev.eddy.model.config.EddyConfig;
import dev.eddy.runtime.EddyRuntime;
import dev.eddy.runtime.InstanceFile;
import dev.eddy.workload.TrafficRun;
import dev.eddy.workload.traffic.Outage;
import dev.eddy.workload.traffic.TrafficProfile;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code eddy demo}: {@code run} plus simulated users sending traffic to it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start Eddy (as eddy run) and send it simulated user traffic, so the views fill up live.")
final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    /** A batch's own timeout is longer, but a stop should not wait on a stuck one for long. */
    private static final Duration SENDER_STOP_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Checkout breaks for 2 minutes, 12 minutes in (alerts judge a series after 10 minutes of
     * history) and every half hour after: "Order Completed" drops, then resolves.
     */
    private static final Outage INCIDENT = new Outage("Order Completed", Duration.ofMinutes(12), Duration.ofMinutes(2),
            Duration.ofMinutes(30));

    /**
     * Visitors the demo's sessions are drawn from: at 50 events/s (some 15 sessions a second) each
     * returns about every two hours, so most of its visits are sessions of their own under the
     * 30-minute session gap; the workload's default 5,000 would return every few minutes, and
     * every visitor would be in one endless session.
     */
    private static final int VISITORS = 100_000;

    @Mixin
    RuntimeOptions options;

    @Option(names = "--rate", defaultValue = "50", description = "Simulated events per second (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--incident", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Break checkout (no Order Completed) for 2 minutes, 12 minutes in and every 30 minutes after,"
                    + " so the alerts have something to show (default: on; --no-incident for steady traffic)")
    boolean incident;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // found out after the whole start otherwise, leaving a broker stopped uncleanly
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new ParameterException(spec.commandLine(), "--rate must be a positive number of events per second, got " + rate);
        }
        EddyConfig config = options.load();
        // the dashboard's funnels panel shows the simulated shop's funnel unless the config names others
        boolean ownFunnel = config.funnels().isEmpty();
        if (ownFunnel) config = config.withFunnels(Map.of(TrafficProfile.CHECKOUT.name(), TrafficProfile.CHECKOUT.steps()));
        EddyRuntime runtime = RunCommand.start(config);
        InstanceFile eddy = runtime.instance();
        TrafficRun traffic = TrafficRun.builder(URI.create(eddy.url()), eddy.writeKeys().get(0))
                .rate(rate).seed(System.currentTimeMillis()).recordTruth(false)
                .profile(TrafficProfile.defaults().withUsers(VISITORS).withOutage(incident ? INCIDENT : null)).build();
        Thread sender = new Thread(() -> {
            try {
                traffic.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("simulated traffic stopped", e);
            }
        }, "eddy-demo-traffic");
        sender.setDaemon(true);
        sender.start();
        RunCommand.printAddresses(eddy, System.out);
        System.out.println("  Simulated traffic: " + rate + " events/s. See the live figures with:");
        System.out.println("  curl -H 'Authorization: Bearer " + eddy.readKeys().get(0) + "' '" + eddy.url()
                + "/v1/metrics/events?from=" + java.time.Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                + "&to=" + java.time.Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + "'");
        if (ownFunnel) {
            System.out.println("  Funnel: " + TrafficProfile.CHECKOUT.name() + " ("
                    + TrafficProfile.CHECKOUT.steps().stream().map(Object::toString).collect(Collectors.joining(" → "))
                    + "), the simulated shop's, as the config declares no funnels; see /v1/funnels/"
                    + TrafficProfile.CHECKOUT.name() + " and the dashboard.");
        }
        if (incident) {
            System.out.println("  Simulated incident: no Order Completed for 2 minutes, 12 minutes from now and every 30"
                    + " minutes after; the dashboard's alerts show it (a drop, then resolved).");
        }
        System.out.println();
        RunCommand.awaitShutdown(() -> {
            traffic.stop();
            try {
                // its requests in flight answered before the server goes, which would refuse their replies
                sender.join(SENDER_STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runtime.close();
        });
        return 0;
    }
}
