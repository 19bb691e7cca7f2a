package dev.eddy.bench.stream;

import dev.eddy.bench.eddy.FlinkJobs;
import dev.eddy.model.Topics;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.runtime.flink.AnalyticsDeployment;
import dev.eddy.runtime.flink.EmbeddedFlink;
import dev.eddy.stream.job.AnalyticsJob;
import dev.eddy.stream.kafka.AnalyticsKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The stream baseline: a Flink job with the analytics job's source (the same Kafka source
 * settings, deserializer and watermarks), parallelism, RocksDB state backend and exactly-once
 * checkpointing, on a MiniCluster set up as Eddy's, that only counts the events: no keyBy, no
 * state, no windows, no sink to a database. The limit of reading the bus in Flink here.
 */
public final class BareCountJob {
    static final String JOB_NAME = "eddy-bench-bare-count";
    /** Its own group: committing under the analytics job's group would make Eddy skip the pre-filled events. */
    static final String GROUP_ID = "eddy-bench-bare";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private BareCountJob() {}

    /** Runs the job over {@code eddy.events} until it counted {@code events}; {@code flinkDir} is its scratch space. */
    public static CatchUp run(String bootstrap, Path flinkDir, long events, LongConsumer progress) throws Exception {
        EddyConfig config = EddyConfig.defaults();
        String tally = UUID.randomUUID().toString();
        try (EmbeddedFlink flink = new EmbeddedFlink(flinkDir, 0, config.flink().parallelism()).start()) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                    "127.0.0.1", flink.restPort(), AnalyticsDeployment.stateAndCheckpoints(flinkDir.resolve("checkpoints"), config));
            // as AnalyticsJob does: records handed on, not copied, between chained steps
            env.getConfig().enableObjectReuse();
            env.fromSource(AnalyticsKafka.eventsSource(bootstrap, GROUP_ID, config.ingest().maxFutureSkew(),
                                    Funnels.of(config.funnels())),
                            AnalyticsJob.watermarks(AnalyticsDeployment.settings(config)), Topics.EVENTS)
                    .uid("bare-source")
                    .sinkTo(new CountingSink<>(tally))
                    .uid("bare-count")
                    .name("count");
            JobClient job = env.executeAsync(JOB_NAME);
            try {
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                long counted;
                while ((counted = CountingSink.count(tally)) < events) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the bare job counted " + counted + " of " + events + " in " + TIMEOUT);
                    }
                    progress.accept(counted);
                    Thread.sleep(10);
                }
                Instant done = Instant.now();
                progress.accept(counted);
                Instant running = FlinkJobs.runningSince(flink.url(), job.getJobID().toHexString());
                return new CatchUp(counted, Duration.between(running, done));
            } finally {
                job.cancel().get(1, TimeUnit.MINUTES);
                CountingSink.forget(tally);
            }
        }
    }
}
