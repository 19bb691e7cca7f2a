package dev.eddy.runtime.flink;

import dev.eddy.model.config.EddyConfig;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.metrics.MetricsSink;
import dev.eddy.stream.job.AnalyticsJob;
import dev.eddy.stream.kafka.AnalyticsKafka;
import java.net.URL;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.RemoteStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics job submitted to a Flink cluster (the embedded MiniCluster, over REST): RocksDB
 * state, exactly-once checkpoints (the newest one retained on cancel), and on every start a
 * restore from the newest completed checkpoint, so counts go on exactly where they stopped after
 * SIGTERM or a crash.
 * Without a checkpoint the source starts from the committed offsets, else the earliest.
 */
public final class AnalyticsDeployment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsDeployment.class);
    /** Fixed, so the checkpoints of every run of this instance are under one directory. */
    static final JobID JOB_ID = JobID.fromHexString("edd1a7a1e5000000000000000000a001");
    static final String JOB_NAME = "eddy-analytics";

    private final JobClient client;

    private AnalyticsDeployment(JobClient client) {
        this.client = client;
    }

    /**
     * @param flinkDir {@code <data-dir>/flink}; checkpoints go to its {@code checkpoints} folder
     * @param views    where the metrics sink upserts
     */
    public static AnalyticsDeployment submit(int restPort, Path flinkDir, String bootstrap, DatabaseAddress views,
                                             EddyConfig config) throws Exception {
        Path checkpoints = flinkDir.resolve("checkpoints");
        Configuration conf = stateAndCheckpoints(checkpoints, config);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID, JOB_ID.toHexString());
        // a failing job restarts with backoff instead of failing for good (e.g. while Kafka is away)
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        Optional<Path> restore = new RetainedCheckpoints(flinkDir, checkpoints.resolve(JOB_ID.toHexString())).prepareRestore();
        LOG.info("Submitting {} ({})", JOB_NAME, restore.map(p -> "restoring " + p).orElse("no checkpoint: from committed offsets, else earliest"));
        // the job owns what it restores: a newer checkpoint subsumes it and deletes it with the
        // shared files only it used (Flink's default, NO_CLAIM, kept them for ever and made the
        // next checkpoint a full copy: a whole state's worth of disk per restart). Given to the
        // environment itself: a remote environment overwrites the claim mode of its configuration
        SavepointRestoreSettings restoreSettings = restore
                .map(p -> SavepointRestoreSettings.forPath(p.toUri().toString(), false, RecoveryClaimMode.CLAIM))
                .orElse(SavepointRestoreSettings.none());

        StreamExecutionEnvironment env =
                new RemoteStreamEnvironment("127.0.0.1", restPort, conf, new String[0], new URL[0], restoreSettings);
        AnalyticsJob.build(env, AnalyticsKafka.eventsSource(bootstrap, config.ingest().maxFutureSkew()), MetricsSink.upserting(views),
                AnalyticsKafka.lateEventsSink(bootstrap), settings(config));
        return new AnalyticsDeployment(env.executeAsync(JOB_NAME));
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
        return client.getJobID().toHexString();
    }

    public boolean isRunning() {
        try {
            return client.getJobStatus().get(2, TimeUnit.SECONDS) == JobStatus.RUNNING;
        } catch (Exception e) {
            return false;
        }
    }

    /** Cancels the job; its checkpoints are retained for the next start. */
    @Override
    public void close() throws Exception {
        try {
            client.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("cancelling {} failed; its last checkpoint still stands", JOB_NAME, e);
        }
    }
}
