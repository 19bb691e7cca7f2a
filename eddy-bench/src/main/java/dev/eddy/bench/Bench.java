package dev.eddy.bench;

import dev.eddy.bench.eddy.EddyApi;
import dev.eddy.bench.eddy.FlinkJobs;
import dev.eddy.bench.freshness.FreshnessProbe;
import dev.eddy.bench.freshness.Latencies;
import dev.eddy.bench.ingest.CanonicalRecords;
import dev.eddy.bench.ingest.HttpIngest;
import dev.eddy.bench.ingest.RawProducer;
import dev.eddy.bench.ingest.SegmentBatches;
import dev.eddy.bench.stream.BareCatchUpProcess;
import dev.eddy.bench.stream.CatchUp;
import dev.eddy.bench.stream.TopicPrefill;
import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.runtime.process.EddyProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One bench run: every figure measured on this machine, in this run, beside its baseline where
 * there is one. Eddy runs as its own process, started as the {@code ./eddy} launcher starts it,
 * and is measured from outside.
 *
 * <ol>
 *   <li>stream: {@code eddy.events} of a fresh data dir is pre-filled; the bare counting job reads
 *       it in a fresh JVM with Eddy's flags, its own broker and MiniCluster on that data; then Eddy
 *       starts on that data dir and its analytics job catches up until the view has counted
 *       every event;
 *   <li>footprint: a second, fresh Eddy starts, timed to {@code /readyz};
 *   <li>ingest: Segment batches posted by concurrent clients, then the same events' canonical
 *       records written by a raw producer to the same broker, each after the job caught up;
 *   <li>freshness: marker events timed under steady traffic at a fixed rate, while RSS and heap
 *       are sampled.
 * </ol>
 */
public final class Bench {
    /**
     * The {@code ./eddy} launcher's JVM flags, but for its class-data archive, see {@link
     * #eddyJvm()}; it also sets MALLOC_ARENA_MAX=2, as EddyProcess does.
     */
    private static final List<String> EDDY_JVM = List.of(
            "-Xms256m", "-Xmx1g", "-XX:MaxDirectMemorySize=512m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
            "-XX:MaxInlineLevel=9", "-XX:InlineSmallCode=1000");
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration QUIET_TIMEOUT = Duration.ofMinutes(5);
    /** The unit, and that of the RSS target (1.2 GB): 10^6 bytes, not MiB. */
    private static final long MB = 1_000_000;
    private static final long INGEST_SEED = 1;
    private static final long WARMUP_SEED = 2;
    private static final long STREAM_SEED = 3;

    private final BenchPlan plan;
    private final Path work;
    private final PrintStream out;

    private Bench(BenchPlan plan, Path work, PrintStream out) {
        this.plan = plan;
        this.work = work;
        this.out = out;
    }

    /**
     * Runs the bench in a temporary directory, removed afterwards unless the run failed (it then
     * holds Eddy's logs).
     *
     * @param out where the phases and progress bars go
     */
    public static BenchReport run(BenchPlan plan, PrintStream out) throws Exception {
        Path work = Files.createTempDirectory("eddy-bench-");
        try {
            BenchReport report = new Bench(plan, work, out).measure();
            deleteRecursively(work);
            return report;
        } catch (Exception e) {
            throw new IllegalStateException("the bench failed; Eddy's logs and data are kept in " + work, e);
        }
    }

    private BenchReport measure() throws Exception {
        Instant time = Instant.now();
        CatchUp[] stream = streamCatchUp();
        out.printf("stream: Eddy %.0f events/s, bare job %.0f events/s%n", stream[0].eventsPerSecond(), stream[1].eventsPerSecond());

        List<Figure> figures;
        try (EddyProcess eddy = EddyProcess.start(work.resolve("eddy"), eddyJvm(), Map.of(), List.of(), READY_TIMEOUT)) {
            Duration ready = eddy.startupTime();
            out.printf("ready in %d ms%n", ready.toMillis());
            EddyApi api = new EddyApi(eddy.instance());
            double[] ingest = ingest(eddy, api);
            out.printf("ingest: Eddy %.0f events/s, raw producer %.0f events/s%n", ingest[0], ingest[1]);

            List<Long> rss = new CopyOnWriteArrayList<>();
            List<Long> heap = new CopyOnWriteArrayList<>();
            Latencies freshness = freshness(eddy, api, rss, heap);
            out.printf("freshness at %.0f events/s: p50 %d ms, p99 %d ms, max %d ms over %d markers%n",
                    freshness.trafficRate(), freshness.percentile(0.5), freshness.percentile(0.99), freshness.max(),
                    freshness.sortedMillis().size());
            figures = List.of(
                    Figure.compared("ingest", ingest[0], "events/s", ingest[1]),
                    Figure.compared("stream", stream[0].eventsPerSecond(), "events/s", stream[1].eventsPerSecond()),
                    Figure.of("freshness_p50", freshness.percentile(0.5), "ms"),
                    Figure.of("freshness_p99", freshness.percentile(0.99), "ms"),
                    Figure.of("freshness_max", freshness.max(), "ms"),
                    // what the percentiles were measured under: below the plan's rate when Eddy could not take it
                    Figure.of("freshness_rate", freshness.trafficRate(), "events/s"),
                    Figure.of("ready", ready.toMillis(), "ms"),
                    Figure.of("rss", (double) rss.stream().mapToLong(Long::longValue).max().orElseThrow() / MB, "MB"),
                    Figure.of("heap", heap.stream().mapToLong(Long::longValue).average().orElseThrow() / MB, "MB"));
            eddy.stop(Duration.ofMinutes(1));
        }
        return new BenchReport(MachineInfo.current(), figures, plan, time);
    }

    /** @return the analytics job's catch-up, then the bare job's, over the same pre-filled topic */
    private CatchUp[] streamCatchUp() throws Exception {
        Path dataDir = work.resolve("stream");
        EddyConfig.Kafka kafka = EddyConfig.defaults().kafka();
        TopicPrefill.Prefill prefill;
        // the broker of the data dir Eddy starts on next, run here while Eddy is not: its job must not read yet
        try (EmbeddedKafka broker = new EmbeddedKafka(dataDir.resolve("kafka"), 0).start()) {
            try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
                admin.ensureTopics(new TopicPlan(kafka.partitions(), kafka.retention()));
            }
            prefill = withBar("pre-fill eddy.events", plan.streamEvents(), p ->
                    TopicPrefill.write(broker.bootstrapServers(), plan.streamEvents(), STREAM_SEED, plan.batchSize(), p));
        }
        CatchUp bare = withBar("bare Flink job", plan.streamEvents(), p -> BareCatchUpProcess.run(dataDir.resolve("kafka"),
                work.resolve("bare-flink"), prefill.events(), EDDY_JVM, work.resolve("bare-flink.log"), p));
        try (EddyProcess eddy = EddyProcess.start(dataDir, eddyJvm(), Map.of(), List.of(), READY_TIMEOUT)) {
            EddyApi api = new EddyApi(eddy.instance());
            String flink = eddy.instance().flinkUrl();
            String job = FlinkJobs.onlyRunningJob(flink);
            Instant from = prefill.from().truncatedTo(ChronoUnit.MINUTES);
            Instant to = prefill.to().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
            Instant done = withBar("Eddy's analytics job", prefill.counted(), p -> {
                long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
                long counted;
                while ((counted = api.totalCount(from, to)) < prefill.counted()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the view counted " + counted + " of " + prefill.counted()
                                + " events in " + CATCH_UP_TIMEOUT);
                    }
                    p.accept(counted);
                    // each poll is a query Eddy answers on the cores its job needs (at 20 a second its HTTP
                    // threads had 6 % of a JFR profile's samples): seldom while far from done, often near
                    // the end, which it times
                    Thread.sleep(counted < prefill.counted() * 0.95 ? 500 : 20);
                }
                if (counted != prefill.counted()) {
                    throw new IllegalStateException("the view counted " + counted + " events, expected " + prefill.counted());
                }
                p.accept(counted);
                return Instant.now();
            });
            CatchUp full = new CatchUp(prefill.events(), Duration.between(FlinkJobs.runningSince(flink, job), done));
            eddy.stop(Duration.ofMinutes(1));
            return new CatchUp[] {full, bare};
        }
    }

    /**
     * HTTP first, with events the job has not seen, so Eddy's figure is taken while its job does
     * full work; the raw producer then writes the same events, which the job deduplicates.
     *
     * @return events/s over HTTP, then of the raw producer
     */
    private double[] ingest(EddyProcess eddy, EddyApi api) throws Exception {
        CanonicalRecords canonical = new CanonicalRecords(eddy.instance().writeKeys().get(0));
        SegmentBatches warmup = SegmentBatches.generate(WARMUP_SEED, plan.ingestWarmupEvents(), plan.batchSize());
        try (RawProducer raw = new RawProducer(eddy.instance().kafkaBootstrap())) {
            withBar("warm-up", 2L * warmup.events(), p -> {
                HttpIngest.postAll(api, warmup.bodies(), plan.batchSize(), plan.ingestClients(), p);
                return raw.sendAll(canonical.records(warmup), n -> p.accept(warmup.events() + n));
            });
            awaitCaughtUp(api);
            SegmentBatches batches = SegmentBatches.generate(INGEST_SEED, plan.ingestEvents(), plan.batchSize());
            long httpNanos = withBar("ingest: POST /v1/batch", batches.events(), p ->
                    HttpIngest.postAll(api, batches.bodies(), plan.batchSize(), plan.ingestClients(), p));
            awaitCaughtUp(api);
            List<ProducerRecord<byte[], byte[]>> records = canonical.records(batches);
            long rawNanos = withBar("ingest baseline: raw producer", records.size(), p -> raw.sendAll(records, p));
            awaitCaughtUp(api);
            return new double[] {batches.events() / (httpNanos / 1e9), records.size() / (rawNanos / 1e9)};
        }
    }

    /** Freshness under steady traffic; RSS and heap sampled every second in the second half of the traffic. */
    private Latencies freshness(EddyProcess eddy, EddyApi api, List<Long> rss, List<Long> heap) throws Exception {
        long traffic = plan.freshnessDuration().toMillis();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        Latencies latencies;
        try {
            sampler.scheduleAtFixedRate(() -> {
                sample(() -> rss.add(eddy.residentBytes()));
                sample(() -> heap.add(api.heapUsedBytes()));
            }, traffic / 2, 1000, TimeUnit.MILLISECONDS);
            // only while the traffic runs, not while the last markers settle after it
            sampler.schedule(sampler::shutdown, traffic, TimeUnit.MILLISECONDS);
            FreshnessProbe probe = new FreshnessProbe(api, URI.create(eddy.instance().url()), eddy.instance().writeKeys().get(0));
            long events = (long) Math.ceil(plan.freshnessRate() * plan.freshnessDuration().toNanos() / 1e9);
            latencies = withBar(String.format("freshness at %.0f events/s", plan.freshnessRate()), events, p ->
                    probe.measure(plan.freshnessRate(), plan.ingestClients(), plan.freshnessDuration(), plan.markerInterval(), p));
        } finally {
            sampler.shutdownNow();
        }
        if (rss.isEmpty() || heap.isEmpty()) {
            throw new IllegalStateException("memory samples missing: " + rss.size() + " RSS, " + heap.size() + " heap");
        }
        return latencies;
    }

    /**
     * {@link #EDDY_JVM} and the class-data archive, as {@code ./eddy} keeps one: the first Eddy
     * of the run (the stream catch-up) writes it as it stops, the later ones start from it.
     */
    private List<String> eddyJvm() {
        Path archive = work.resolve("eddy.jsa");
        List<String> flags = new ArrayList<>(EDDY_JVM);
        flags.add(Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + archive);
        flags.add("-Xlog:cds=off,cds+dynamic=off");
        return flags;
    }

    /** Until the analytics job has consumed everything on eddy.events, so one measurement does not pay for the last. */
    private static void awaitCaughtUp(EddyApi api) throws Exception {
        long deadline = System.nanoTime() + QUIET_TIMEOUT.toNanos();
        while (!(api.consumerLag() == 0)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the analytics job did not catch up in " + QUIET_TIMEOUT);
            Thread.sleep(500);
        }
    }

    @FunctionalInterface
    private interface Sampling {
        void run() throws Exception;
    }

    private static void sample(Sampling sampling) {
        try {
            sampling.run();
        } catch (Exception e) {
            // a missed sample shows as too few samples at the end
        }
    }

    @FunctionalInterface
    private interface Measured<T> {
        T run(LongConsumer progress) throws Exception;
    }

    private <T> T withBar(String task, long max, Measured<T> measured) throws Exception {
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(out)).build()) {
            return measured.run(bar::stepTo);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
