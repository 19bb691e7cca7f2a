package dev.eddy.runtime.flink;

import dev.eddy.model.config.ConfigException;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.runtime.lock.HeldFileLock;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.alerts.AlertsSink;
import dev.eddy.store.funnels.FunnelsSink;
import dev.eddy.store.metrics.MetricsSink;
import dev.eddy.store.metrics.MinuteView;
import dev.eddy.store.sessions.SessionsSink;
import dev.eddy.stream.alerts.AlertRule;
import dev.eddy.stream.job.AnalyticsJob;
import dev.eddy.stream.kafka.AnalyticsKafka;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.RemoteStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics job on a Flink cluster, over REST: RocksDB state, exactly-once checkpoints (the
 * newest one retained on cancel), and on every submission a restore from the newest completed
 * checkpoint, so counts go on exactly where they stopped. Without a checkpoint the source starts
 * from the committed offsets, else the earliest.
 *
 * <p>On the embedded MiniCluster the job stops with Eddy (after SIGTERM or a crash the next start
 * restores it). On a Flink session cluster it is the cluster's: it runs on while Eddy stops or
 * restarts, and a start attaches to it, submitting it (with its jars) only when it does not run.
 *
 * <p>Flink keeps a job's checkpoints in a folder named by its id; on the MiniCluster the id is
 * always the same, on a cluster each run has its own (see {@link ClusterRuns}).
 */
public final class AnalyticsDeployment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsDeployment.class);
    private static final String MINI_CLUSTER_ID_PREFIX = "edd1a7a1e5000000";
    /** On the MiniCluster, which is new at each start, always the same id. */
    static final JobID MINI_CLUSTER_JOB_ID = JobID.fromHexString(MINI_CLUSTER_ID_PREFIX + "000000000000a001");
    static final String JOB_NAME = "eddy-analytics";
    private static final Duration SUBMISSION_LOCK_TIMEOUT = Duration.ofMinutes(2);

    private final RestClusterClient<StandaloneClusterId> cluster;
    private final JobID jobId;
    private final boolean stopsWithEddy;

    /** What must be done before a new run of the job starts, and only then (not when attaching to a live run). */
    @FunctionalInterface
    public interface BeforeNewRun {
        void prepare() throws Exception;
    }

    private AnalyticsDeployment(RestClusterClient<StandaloneClusterId> cluster, JobID jobId, boolean stopsWithEddy) {
        this.cluster = cluster;
        this.jobId = jobId;
        this.stopsWithEddy = stopsWithEddy;
    }

    /**
     * Submits the job to the embedded MiniCluster, which has Eddy's classes already.
     *
     * @param flinkDir {@code <data-dir>/flink}: the checkpoints go to its {@code checkpoints} folder
     * @param views    where the metrics sink upserts
     */
    public static AnalyticsDeployment onMiniCluster(int restPort, Path flinkDir, String bootstrap,
                                                    DatabaseAddress views, EddyConfig config, BeforeNewRun beforeNewRun)
            throws Exception {
        RestClusterClient<StandaloneClusterId> cluster = client("127.0.0.1", restPort);
        try {
            submit(new Target("127.0.0.1", restPort, MINI_CLUSTER_JOB_ID, List.of(), Map.of()),
                    new RetainedCheckpoints(flinkDir, flinkDir.resolve("checkpoints"), MINI_CLUSTER_ID_PREFIX), bootstrap, views, config,
                    beforeNewRun);
            return new AnalyticsDeployment(cluster, MINI_CLUSTER_JOB_ID, true);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Attaches to the job's live run on a Flink session cluster, or submits a new run with the
     * job's jars, restoring the newest checkpoint under {@code checkpoints}: a folder the cluster's
     * JobManager and TaskManagers and this process all see at that same path.
     *
     * @throws ConfigException when the cluster does not answer or runs another Flink version, or
     *     its live run is of another Eddy build or configuration, or there are several
     */
    public static AnalyticsDeployment onCluster(URI jobManager, Path checkpoints, String bootstrap,
                                                DatabaseAddress views, EddyConfig config, BeforeNewRun beforeNewRun)
            throws Exception {
        if (!Files.isDirectory(checkpoints)) {
            // not created here: a shared volume not mounted would look like a first start, and the
            // job would start without its state, its open minutes' rows overwritten with part counts
            throw new ConfigException("flink.checkpoints: " + checkpoints + " is not a folder here: is the shared volume"
                    + " mounted? (create the folder before the first start)");
        }
        RestClusterClient<StandaloneClusterId> cluster = client(jobManager.getHost(), jobManager.getPort());
        // from looking for a live run to having submitted one: two Eddies starting at once would
        // otherwise both find none, and the second, preparing its restore, delete the files of a
        // checkpoint the first one's run is writing
        try (HeldFileLock submitting = awaitSubmissionLock(checkpoints.resolve(".eddy-submit.lock"))) {
            ClusterRuns runs = new ClusterRuns(cluster, jobManager, checkpoints);
            runs.requireSameFlinkVersion();
            String fingerprint = JobFingerprint.of(JobJars.eddy(), bootstrap, views, config);
            List<JobStatusMessage> live = runs.live();
            if (live.size() > 1) {
                throw new ConfigException("flink.jobmanager: the Flink cluster at " + jobManager + " runs the analytics job "
                        + live.size() + " times, " + ClusterRuns.describe(live) + ": cancel all but one");
            }
            if (live.size() == 1) {
                JobID run = live.get(0).getJobId();
                if (!runs.jobParameter(run, JobFingerprint.PARAMETER).equals(fingerprint)) {
                    throw new ConfigException("flink.jobmanager: the analytics job " + run + " on the Flink cluster at "
                            + jobManager + " runs another Eddy build or configuration; cancel it in Flink (cancel, not"
                            + " stop: a stopped job's checkpoints are deleted), and this Eddy submits its own from the"
                            + " newest checkpoint");
                }
                LOG.info("{} ({}) is {} on the Flink cluster at {}: attached", JOB_NAME, run, live.get(0).getJobState(), jobManager);
                return new AnalyticsDeployment(cluster, run, false);
            }
            int slots = runs.freeSlots();
            if (slots < config.flink().parallelism()) {
                LOG.warn("the Flink cluster at {} has {} free task slots; the analytics job, at flink.parallelism {}, waits"
                        + " for more (and Eddy is not ready till it runs)", jobManager, slots, config.flink().parallelism());
            }
            JobID run = runs.newId();
            submit(new Target(jobManager.getHost(), jobManager.getPort(), run, JobJars.paths(), Map.of(JobFingerprint.PARAMETER, fingerprint)),
                    new RetainedCheckpoints(checkpoints.resolve(runs.idPrefix() + "*"), checkpoints, runs.idPrefix()),
                    bootstrap, views, config, beforeNewRun);
            return new AnalyticsDeployment(cluster, run, false);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Another Eddy's submission takes seconds: waits for it, saying so, but not for ever. */
    private static HeldFileLock awaitSubmissionLock(Path file) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SUBMISSION_LOCK_TIMEOUT.toNanos();
        Optional<HeldFileLock> lock;
        while ((lock = HeldFileLock.tryAcquire(file)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new ConfigException("flink.checkpoints: another Eddy has held " + file + " for "
                        + SUBMISSION_LOCK_TIMEOUT.toSeconds() + " s while submitting the analytics job; is one stuck?");
            }
            LOG.info("waiting for {}: another Eddy is submitting the analytics job", file);
            Thread.sleep(1000);
        }
        return lock.get();
    }

    /**
     * Where a run goes and what it takes along.
     *
     * @param jars       shipped with it: what the cluster lacks
     * @param parameters its global job parameters
     */
    private record Target(String host, int restPort, JobID jobId, List<Path> jars, Map<String, String> parameters) {}

    private static void submit(Target target, RetainedCheckpoints retained, String bootstrap, DatabaseAddress views,
                               EddyConfig config, BeforeNewRun beforeNewRun) throws Exception {
        beforeNewRun.prepare();
        Configuration conf = stateAndCheckpoints(retained.checkpoints(), config);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID, target.jobId().toHexString());
        conf.set(PipelineOptions.GLOBAL_JOB_PARAMETERS, target.parameters());
        // a failing job restarts with backoff instead of failing for good (e.g. while Kafka is away)
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        Optional<Path> restore = retained.prepareRestore();
        LOG.info("Submitting {} ({}) to {}:{} ({})", JOB_NAME, target.jobId(), target.host(), target.restPort(),
                restore.map(p -> "restoring " + p).orElse("no checkpoint: from committed offsets, else earliest"));
        // the job owns what it restores: a newer checkpoint subsumes it and deletes it with the
        // shared files only it used (Flink's default, NO_CLAIM, kept them for ever and made the
        // next checkpoint a full copy: a whole state's worth of disk per restart). Given to the
        // environment itself: a remote environment overwrites the claim mode of its configuration
        SavepointRestoreSettings restoreSettings = restore
                .map(p -> SavepointRestoreSettings.forPath(p.toUri().toString(), false, RecoveryClaimMode.CLAIM))
                .orElse(SavepointRestoreSettings.none());

        StreamExecutionEnvironment env = new RemoteStreamEnvironment(target.host(), target.restPort(), conf,
                target.jars().stream().map(Path::toString).toArray(String[]::new), new URL[0], restoreSettings);
        AnalyticsJob.build(env, AnalyticsKafka.eventsSource(bootstrap, config.ingest().maxFutureSkew(), Funnels.of(config.funnels())),
                new AnalyticsJob.Sinks(MetricsSink.upserting(views, MinuteView.EVENTS),
                        MetricsSink.upserting(views, MinuteView.PAGES), SessionsSink.upserting(views),
                        FunnelsSink.upserting(views),
                        AnalyticsKafka.lateEventsSink(bootstrap),
                        AnalyticsKafka.alertsSink(bootstrap), AlertsSink.upserting(views)),
                settings(config));
        env.executeAsync(JOB_NAME);
    }

    /** Without retries: a start asks once, and a readiness probe should not leave requests retrying behind it. */
    private static RestClusterClient<StandaloneClusterId> client(String host, int restPort) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, host);
        conf.set(RestOptions.PORT, restPort);
        conf.set(RestOptions.RETRY_MAX_ATTEMPTS, 0);
        return new RestClusterClient<>(conf, StandaloneClusterId.getInstance());
    }

    /**
     * RocksDB, exactly-once incremental checkpoints into {@code checkpoints}, the configured
     * interval and parallelism: what the analytics job runs with, and what a benchmark's
     * baseline job must run with to be comparable.
     *
     * <p>RocksDB gets bloom filters: most lookups of the job miss (dedup sees each key once; a
     * window meets most users for the first time), and each checkpoint flushes the memtables to
     * another small file, so without filters every miss searched the index and a data block of
     * every file not yet compacted. The filters are partitioned: the block cache, a share of
     * Flink's managed memory, is too small to keep each file's whole filter, so without
     * partitions nearly every miss read whole filters back from disk and verified their
     * checksums (over half of dedup's time in a profile); partitions are read a small piece at a
     * time, and their top-level index stays pinned in the cache.
     */
    public static Configuration stateAndCheckpoints(Path checkpoints, EddyConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        conf.set(RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS, true);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.flink().checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, config.flink().parallelism());
        return conf;
    }

    /** The job's event-time, alert and funnel settings from Eddy's config. */
    public static AnalyticsJob.Settings settings(EddyConfig config) {
        EddyConfig.Stream s = config.stream();
        EddyConfig.Alerts a = config.alerts();
        return new AnalyticsJob.Settings(s.outOfOrderness(), s.idleness(), s.allowedLateness(), s.dedupWindow(),
                AnalyticsJob.Settings.defaults().liveUpdateInterval(),
                new AlertRule((int) a.baseline().toMinutes(), a.threshold(), a.minCount(), a.delay()), s.sessionGap(),
                Funnels.of(config.funnels()));
    }

    public String jobId() {
        return jobId.toHexString();
    }

    public boolean isRunning() {
        try {
            return cluster.getJobStatus(jobId).get(2, TimeUnit.SECONDS) == JobStatus.RUNNING;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * On the MiniCluster cancels the job, its checkpoints retained for the next start; on a
     * Flink cluster leaves it running.
     */
    @Override
    public void close() throws Exception {
        try {
            if (stopsWithEddy) cluster.cancel(jobId).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("cancelling {} failed; its last checkpoint still stands", JOB_NAME, e);
        } finally {
            cluster.close();
        }
    }
}
