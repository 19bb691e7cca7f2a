package dev.eddy.runtime;

import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.handlers.Handlers;
import dev.eddy.model.config.ConfigException;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.runtime.flink.AnalyticsDeployment;
import dev.eddy.runtime.flink.EmbeddedFlink;
import dev.eddy.server.EddyServer;
import dev.eddy.server.health.Readiness;
import dev.eddy.server.ingest.IngestRoutes;
import dev.eddy.server.query.QueryRoutes;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.ViewReads;
import dev.eddy.store.ViewStore;
import dev.eddy.store.funnels.FunnelDefinitions;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Eddy: the broker (embedded unless {@code kafka.bootstrap} names one), the topics,
 * the views' database, the analytics job (on a Flink MiniCluster unless {@code flink.jobmanager}
 * names a cluster), the handlers, and the HTTP server. Start brings them up in dependency order,
 * the independent ones side by side, and returns once {@code /readyz} would answer 200; close
 * takes them down in reverse.
 */
public final class EddyRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EddyRuntime.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** How long /readyz waits for an external Kafka cluster to answer before calling it away. */
    private static final Duration KAFKA_PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final Readiness readiness = new Readiness();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Path dataDir;
    private InstanceFile instance;

    private EddyRuntime(Path dataDir) {
        this.dataDir = dataDir;
    }

    public static EddyRuntime start(EddyConfig config) throws Exception {
        ListenPorts.requireFree(config);
        Path dataDir = Path.of(config.dataDir()).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        EddyRuntime runtime = new EddyRuntime(dataDir);
        try {
            // closed last, once everything that writes to the data dir stopped
            runtime.own(DataDirLock.acquire(dataDir));
            // left by a crashed instance, it would point scripts at dead ports until this one is ready
            Files.deleteIfExists(InstanceFile.path(dataDir));
            runtime.startParts(config);
            return runtime;
        } catch (Exception | Error e) {
            runtime.close();
            throw e;
        }
    }

    private void startParts(EddyConfig config) throws Exception {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        InstanceKeys keys = InstanceKeys.resolve(config.server().writeKeys(), config.server().readKeys(), dataDir);

        DatabaseAddress views = config.store().embedded()
                ? DatabaseAddress.embedded(dataDir)
                : new DatabaseAddress(config.store().jdbcUrl(), config.store().user(), config.store().password());
        // the views' database and the MiniCluster need nothing of the broker: they start beside
        // it, which takes seconds off the start on two cores (each waits on disk and timers too)
        ExecutorService starter = Executors.newFixedThreadPool(2, task -> new Thread(task, "eddy-start"));
        Future<ViewStore> storeStart = starter.submit(() -> ViewStore.open(views));
        Future<EmbeddedFlink> flinkStart = config.flink().embedded()
                ? starter.submit(() -> new EmbeddedFlink(dataDir.resolve("flink"), config.flink().port(), config.flink().parallelism()).start())
                : null;
        starter.shutdown();

        String bootstrap;
        int kafkaPort;
        EventPublisher publisher;
        TopicPlan plan = new TopicPlan(config.kafka().partitions(), config.kafka().retention());
        try {
            if (config.kafka().embedded()) {
                EmbeddedKafka broker = own(new EmbeddedKafka(dataDir.resolve("kafka"), config.kafka().port()).start());
                bootstrap = broker.bootstrapServers();
                kafkaPort = broker.port();
                readiness.add("kafka", broker::isRunning);
            } else {
                bootstrap = config.kafka().bootstrap();
                kafkaPort = -1;
                // ingest answers 503 while the cluster is away: so should /readyz
                TopicAdmin cluster = own(new TopicAdmin(bootstrap, KAFKA_PROBE_TIMEOUT));
                readiness.add("kafka", cluster::clusterAnswers);
            }
            try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
                admin.ensureTopics(plan);
                List<String> drift = admin.driftFrom(plan);
                if (!drift.isEmpty()) {
                    LOG.warn("Eddy's topics exist already and differ from kafka.partitions and kafka.retention,"
                            + " which apply only to topics Eddy creates: {}", String.join("; ", drift));
                }
            } catch (TopicAdmin.KafkaTopicException e) {
                // the embedded broker answered a moment ago; a configured cluster may be misnamed
                if (config.kafka().embedded()) throw e;
                throw new ConfigException("kafka.bootstrap: cannot set up Eddy's topics on " + bootstrap + ": "
                        + e.getMessage());
            }
            publisher = own(new EventPublisher(bootstrap, config.kafka().produceTimeout(), config.kafka().produceTimeout()));
        } finally {
            // owned whatever became of the broker, so that close() stops what did start, in this order
            ownOnceStarted(storeStart);
            if (flinkStart != null) ownOnceStarted(flinkStart);
        }

        ViewStore store = started(storeStart);
        // migrated when open returned; ready while the database answers
        readiness.add("views", () -> {
            try (var connection = store.dataSource().getConnection()) {
                return connection.isValid(1);
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        Funnels funnels = Funnels.of(config.funnels());
        // before a new run of the job starts under these funnels, which then writes a changed one's
        // rows anew; never while a live run of other funnels, which Eddy refuses, writes them
        AnalyticsDeployment.BeforeNewRun reconcileFunnels = () -> {
            List<String> startedOver = FunnelDefinitions.reconcile(store.dataSource(), funnels);
            if (!startedOver.isEmpty()) {
                LOG.warn("funnels whose steps changed since the views last counted them start their figures over: {}",
                        String.join(", ", startedOver));
            }
        };
        String flinkUrl;
        int flinkPort;
        AnalyticsDeployment job;
        if (flinkStart != null) {
            EmbeddedFlink flink = started(flinkStart);
            flinkUrl = flink.url();
            flinkPort = flink.restPort();
            job = own(AnalyticsDeployment.onMiniCluster(flinkPort, dataDir.resolve("flink"), bootstrap, views, config,
                    reconcileFunnels));
        } else {
            URI jobManager = config.flink().jobManagerUrl();
            flinkUrl = jobManager.getScheme() + "://" + jobManager.getRawAuthority();
            flinkPort = jobManager.getPort();
            job = own(AnalyticsDeployment.onCluster(URI.create(flinkUrl), Path.of(config.flink().checkpoints()).normalize(),
                    bootstrap, views, config, reconcileFunnels));
        }
        readiness.add("analytics-job", job::isRunning);
        own(new PipelineMetrics(bootstrap, flinkUrl, job.jobId())).bindTo(registry);
        if (!config.handlers().isEmpty()) {
            // ready once each has its place on eddy.events: what is accepted from then on reaches them
            Handlers handlers = own(Handlers.start(config.handlers(), bootstrap, plan, config.kafka().produceTimeout(), registry));
            readiness.add("handlers", handlers::ready);
        }

        EddyServer server = own(new EddyServer(
                new IngestRoutes(publisher, new HashSet<>(keys.writeKeys()), config.ingest(), registry, Clock.systemUTC()),
                new QueryRoutes(new ViewReads(store.dataSource(), config.query().timeout()), funnels,
                        new HashSet<>(keys.readKeys()), config.query().maxRange(), Clock.systemUTC()),
                readiness, registry).start("0.0.0.0", config.server().port()));

        awaitReady();
        // 127.0.0.1, not localhost: a client resolving localhost to ::1 first would miss the IPv4 listener
        String url = "http://127.0.0.1:" + server.port();
        instance = new InstanceFile(ProcessHandle.current().pid(), url, server.port(), bootstrap, kafkaPort,
                flinkUrl, flinkPort, dataDir.toString(), keys.writeKeys(), keys.readKeys());
        instance.write(dataDir);
        LOG.info("Eddy ready at {} (Kafka {}, Flink {})", url, bootstrap, flinkUrl);
    }

    /** The ports, URLs and keys of this instance, as written to {@code eddy.json}. */
    public InstanceFile instance() {
        return instance;
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!readiness.status().values().stream().allMatch(Boolean::booleanValue)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Eddy not ready after " + READY_TIMEOUT.toSeconds() + " s: " + readiness.status());
            }
            Thread.sleep(100);
        }
    }

    private <T extends AutoCloseable> T own(T part) {
        parts.push(part);
        return part;
    }

    /** Owns the part started in the background once it started; a failed start is {@link #started}'s to report. */
    private void ownOnceStarted(Future<? extends AutoCloseable> starting) throws InterruptedException {
        try {
            own(starting.get());
        } catch (ExecutionException failed) {
            // nothing to close
        }
    }

    /** The part started in the background, or what stopped it starting. */
    private static <T> T started(Future<T> starting) throws Exception {
        try {
            return starting.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Stops every part in reverse start order; the analytics job's checkpoints are kept for the next start. */
    @Override
    public synchronized void close() {
        if (instance != null) {
            try {
                Files.deleteIfExists(InstanceFile.path(dataDir));
            } catch (java.io.IOException e) {
                LOG.warn("cannot remove {}", InstanceFile.path(dataDir), e);
            }
        }
        while (!parts.isEmpty()) {
            AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("error stopping {}", part.getClass().getSimpleName(), e);
            }
        }
    }
}
