package dev.eddy.runtime.flink;

import dev.eddy.model.config.EddyConfig;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.metrics.MetricsSink;
import dev.eddy.stream.job.AnalyticsJob;
import dev.eddy.stream.kafka.AnalyticsKafka;
import dev.eddy.model.config.ConfigException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
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
import org.apache.flink.util.ExceptionUtils;
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
 */
public final class AnalyticsDeployment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsDeployment.class);
    /** Fixed, so the checkpoints of every run of this instance are under one directory. */
    static final JobID JOB_ID = JobID.fromHexString("edd1a7a1e5000000000000000000a001");
    static final String JOB_NAME = "eddy-analytics";
    /** How long a start waits for a Flink cluster to list its jobs: its REST client retries a refused connection meanwhile. */
    private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(30);

    private final RestClusterClient<StandaloneClusterId> cluster;
    private final boolean stopsWithEddy;

    private AnalyticsDeployment(RestClusterClient<StandaloneClusterId> cluster, boolean stopsWithEddy) {
        this.cluster = cluster;
        this.stopsWithEddy = stopsWithEddy;
    }

    /**
     * Submits the job to the embedded MiniCluster, which has Eddy's classes already.
     *
     * @param flinkDir {@code <data-dir>/flink}; checkpoints go to {@code checkpoints} or its {@code checkpoints} folder
     * @param views    where the metrics sink upserts
     */
    public static AnalyticsDeployment onMiniCluster(int restPort, Path flinkDir, Path checkpoints, String bootstrap,
                                                    DatabaseAddress views, EddyConfig config) throws Exception {
        RestClusterClient<StandaloneClusterId> cluster = client("127.0.0.1", restPort);
        try {
            submit("127.0.0.1", restPort, List.of(), new RetainedCheckpoints(flinkDir, jobDir(checkpoints)), checkpoints, bootstrap, views, config);
            return new AnalyticsDeployment(cluster, true);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Attaches to the job on a Flink session cluster, or submits it there with its jars when it
     * does not run, restoring the newest checkpoint under {@code checkpoints}: a folder the
     * cluster's TaskManagers write to and this process reads.
     *
     * @throws ConfigException when the cluster ended the job and will not take the same job again
     */
    public static AnalyticsDeployment onCluster(URI jobManager, Path checkpoints, String bootstrap,
                                                DatabaseAddress views, EddyConfig config) throws Exception {
        RestClusterClient<StandaloneClusterId> cluster = client(jobManager.getHost(), jobManager.getPort());
        try {
            Optional<JobStatus> status = status(cluster, jobManager);
            if (status.isPresent() && status.get().isGloballyTerminalState()) {
                // a session cluster refuses a job id it has seen end, until its JobManager restarts
                throw new ConfigException("flink.jobmanager: the analytics job " + JOB_ID + " is " + status.get()
                        + " on the Flink cluster at " + jobManager + ", which takes no job of the same id again until its"
                        + " JobManager restarts; restart it and Eddy submits the job again from its newest checkpoint"
                        + " under " + checkpoints);
            }
            if (status.isPresent()) {
                LOG.info("{} is {} on the Flink cluster at {}: attached", JOB_NAME, status.get(), jobManager);
            } else {
                submit(jobManager.getHost(), jobManager.getPort(), JobJars.paths(), new RetainedCheckpoints(checkpoints, jobDir(checkpoints)), checkpoints,
                        bootstrap, views, config);
            }
            return new AnalyticsDeployment(cluster, false);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static void submit(String host, int restPort, List<Path> jars, RetainedCheckpoints retained,
                               Path checkpoints, String bootstrap, DatabaseAddress views, EddyConfig config) throws Exception {
        Configuration conf = stateAndCheckpoints(checkpoints, config);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID, JOB_ID.toHexString());
        // a failing job restarts with backoff instead of failing for good (e.g. while Kafka is away)
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        Optional<Path> restore = retained.prepareRestore();
        LOG.info("Submitting {} to {}:{} ({})", JOB_NAME, host, restPort,
                restore.map(p -> "restoring " + p).orElse("no checkpoint: from committed offsets, else earliest"));
        // the job owns what it restores: a newer checkpoint subsumes it and deletes it with the
        // shared files only it used (Flink's default, NO_CLAIM, kept them for ever and made the
        // next checkpoint a full copy: a whole state's worth of disk per restart). Given to the
        // environment itself: a remote environment overwrites the claim mode of its configuration
        SavepointRestoreSettings restoreSettings = restore
                .map(p -> SavepointRestoreSettings.forPath(p.toUri().toString(), false, RecoveryClaimMode.CLAIM))
                .orElse(SavepointRestoreSettings.none());

        StreamExecutionEnvironment env = new RemoteStreamEnvironment(host, restPort, conf,
                jars.stream().map(Path::toString).toArray(String[]::new), new URL[0], restoreSettings);
        AnalyticsJob.build(env, AnalyticsKafka.eventsSource(bootstrap, config.ingest().maxFutureSkew()), MetricsSink.upserting(views),
                AnalyticsKafka.lateEventsSink(bootstrap), settings(config));
        env.executeAsync(JOB_NAME);
    }

    private static Path jobDir(Path checkpoints) {
        return checkpoints.resolve(JOB_ID.toHexString());
    }

    private static RestClusterClient<StandaloneClusterId> client(String host, int restPort) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, host);
        conf.set(RestOptions.PORT, restPort);
        return new RestClusterClient<>(conf, StandaloneClusterId.getInstance());
    }

    /**
     * The job's state on the cluster, empty when the cluster does not know it.
     *
     * @throws ConfigException when the cluster does not answer within {@link #CLUSTER_TIMEOUT}
     */
    private static Optional<JobStatus> status(RestClusterClient<StandaloneClusterId> cluster, URI jobManager)
            throws InterruptedException {
        try {
            // from the list of jobs: asked for one it does not know, the cluster answers 500, not 404
            return cluster.listJobs().get(CLUSTER_TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                    .filter(job -> job.getJobId().equals(JOB_ID))
                    .map(JobStatusMessage::getJobState)
                    .findFirst();
        } catch (ExecutionException | TimeoutException e) {
            throw new ConfigException("flink.jobmanager: no answer from a Flink cluster at " + jobManager + " within "
                    + CLUSTER_TIMEOUT.toSeconds() + " s (" + ExceptionUtils.stripExecutionException(e) + ")");
        }
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

    /** The job's event-time settings from Eddy's config. */
    public static AnalyticsJob.Settings settings(EddyConfig config) {
        EddyConfig.Stream s = config.stream();
        return new AnalyticsJob.Settings(s.outOfOrderness(), s.idleness(), s.allowedLateness(), s.dedupWindow(),
                AnalyticsJob.Settings.defaults().liveUpdateInterval());
    }

    public String jobId() {
        return JOB_ID.toHexString();
    }

    public boolean isRunning() {
        try {
            return cluster.getJobStatus(JOB_ID).get(2, TimeUnit.SECONDS) == JobStatus.RUNNING;
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
            if (stopsWithEddy) cluster.cancel(JOB_ID).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("cancelling {} failed; its last checkpoint still stands", JOB_NAME, e);
        } finally {
            cluster.close();
        }
    }
}
