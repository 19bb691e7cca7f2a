package dev.eddy.cli;

import dev.eddy.model.config.ConfigLoader;
import dev.eddy.model.config.Durations;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.workload.TrafficRun;
import dev.eddy.workload.send.SendFailedException;
import dev.eddy.workload.send.SendSummary;
import dev.eddy.workload.traffic.TrafficProfile;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code eddy generate}: simulated users' traffic, posted as Segment batches, with its ground truth. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Send simulated user traffic (Segment batches) to an Eddy, retrying failures with the same messageIds, and write the exact expected per-minute views.")
final class GenerateCommand implements Callable<Integer> {
    /** How long a stop (Ctrl-C, SIGTERM) waits for the in-flight batches, the truth file and the summary. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    @Option(names = "--url", required = true, description = "Eddy's base URL, e.g. http://localhost:8080")
    URI url;

    @Option(names = "--write-key", required = true, description = "Write key")
    String writeKey;

    @Option(names = "--rate", defaultValue = "100", description = "Events per second (default ${DEFAULT-VALUE})")
    double rate;

    @ArgGroup(exclusive = true)
    Amount amount;

    static final class Amount {
        @Option(names = "--count", description = "Number of events to send")
        Long count;

        @Option(names = "--duration", description = "How long to send, e.g. 30s, 5m")
        Duration duration;
    }

    @Option(names = "--seed", defaultValue = "1", description = "Random seed: the same seed and start give the same traffic (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--truth", description = "Write the ground truth (expected per-minute counts and users, views and visitors of each page, sessions, and how far they went in the funnels) to this JSON file")
    Path truth;

    @Option(names = "--session-gap", defaultValue = "30m", description = "Split the truth's sessions where a visitor was quiet longer than this: the stream.sessionGap of the Eddy sent to (default ${DEFAULT-VALUE})")
    Duration sessionGap;

    @Option(names = "--funnel", paramLabel = "NAME=STEPS",
            description = "Follow the truth's sessions in this funnel, as the funnels.<name> of the Eddy sent to, its steps"
                    + " comma-separated: checkout=page:Home,track:Order Completed (repeatable; default: checkout, the"
                    + " simulated shop's funnel from page:Home to track:Order Completed, as eddy demo follows it)")
    Map<String, String> funnels;

    @Option(names = "--retry-timeout", defaultValue = "10m", description = "Give up retrying a batch after this long (default ${DEFAULT-VALUE})")
    Duration retryTimeout;

    @Option(names = "--duplicates", defaultValue = "0", description = "Fraction of acknowledged batches to send again, to exercise deduplication (default ${DEFAULT-VALUE})")
    double duplicates;

    @Spec
    CommandSpec spec;

    private volatile ProgressBar bar;

    @Override
    public Integer call() throws Exception {
        TrafficRun run = plannedRun();
        warnWhenUnreachable();
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            run.stop();
            // the JVM halts once the hooks return: let the run write its truth and summary first
            try {
                finished.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "eddy-generate-stop"));
        try (ProgressBar progress = new ProgressBarBuilder().setTaskName("events").setInitialMax(-1).continuousUpdate().build()) {
            bar = progress;
            TrafficRun.Result result = run.run();
            if (truth != null) result.truth().write(truth);
            progress.close();
            print(result.summary());
            return 0;
        } catch (SendFailedException e) {
            spec.commandLine().getErr().println("eddy generate: " + e.getMessage());
            return 1;
        } finally {
            finished.countDown();
        }
    }

    /** The run the options ask for; a value it cannot take is a usage error, before anything is sent. */
    private TrafficRun plannedRun() {
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new ParameterException(spec.commandLine(), "--url must start with http:// or https://, got '" + url + "'");
        }
        Path truthDir = truth == null ? null : truth.toAbsolutePath().getParent();
        if (truthDir != null && !Files.isDirectory(truthDir)) {
            // found out only after the whole run otherwise, losing its truth
            throw new ParameterException(spec.commandLine(), "--truth: there is no directory " + truthDir);
        }
        TrafficRun.Builder builder = TrafficRun.builder(url, writeKey)
                .rate(rate).seed(seed)
                .retryTimeout(retryTimeout)
                .duplicateFraction(duplicates)
                .recordTruth(truth != null)
                .sessionGap(sessionGap)
                .funnels(followedFunnels())
                .progress((acknowledged, total) -> {
                    ProgressBar progress = bar;
                    if (progress == null) return;
                    progress.maxHint(total);
                    progress.stepTo(acknowledged);
                });
        if (amount != null && amount.count != null) builder.count(amount.count);
        if (amount != null && amount.duration != null) builder.duration(amount.duration);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // the generator's and sender's own checks: --rate, --duplicates, --retry-timeout, --count, --session-gap
            throw new ParameterException(spec.commandLine(), "invalid option value: " + e.getMessage());
        }
    }

    /** The {@code --funnel}s, in their order, else the shop's; ones the Eddy's config would refuse are usage errors. */
    private Funnels followedFunnels() {
        if (funnels == null) return new Funnels(List.of(TrafficProfile.CHECKOUT));
        Map<String, List<FunnelStep>> steps = new LinkedHashMap<>();
        try {
            // written as the environment's EDDY_FUNNELS_<NAME> is
            funnels.forEach((name, list) -> steps.put(name, Arrays.stream(list.split(",")).filter(step -> !step.isBlank())
                    .map(FunnelStep::parse).toList()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--funnel: " + e.getMessage());
        }
        List<String> errors = ConfigLoader.funnelErrors(steps);
        if (!errors.isEmpty()) throw new ParameterException(spec.commandLine(), "--funnel: " + String.join("; ", errors));
        return Funnels.of(steps);
    }

    /**
     * Says so at once when nothing answers at the URL (a wrong port, Eddy not started): each batch
     * is retried quietly for the retry timeout, which is right while Eddy restarts but leaves a
     * mistyped URL looking like a hang. Only a warning: Eddy may be on its way up.
     */
    private void warnWhenUnreachable() throws InterruptedException {
        HttpRequest probe = HttpRequest.newBuilder(url.resolve("/readyz")).timeout(Duration.ofSeconds(2)).GET().build();
        try {
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(probe, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the HTTP client's ConnectException carries no message
            String why = e instanceof ConnectException ? "connection refused" : e.toString();
            spec.commandLine().getErr().println("eddy generate: nothing answers at " + url + " (" + why
                    + "); retrying each batch for up to " + Durations.format(retryTimeout) + " (--retry-timeout)");
        }
    }

    private void print(SendSummary s) {
        System.out.printf("sent %d events (%d acknowledged, %d duplicates re-sent) in %d requests, %d retries, %s, %.0f events/s%n",
                s.sent(), s.acknowledged(), s.duplicatesSent(), s.requests(), s.retries(),
                Durations.format(Duration.ofMillis(s.elapsed().toMillis())), s.eventsPerSecond());
        if (truth != null) System.out.println("ground truth: " + truth);
    }
}
