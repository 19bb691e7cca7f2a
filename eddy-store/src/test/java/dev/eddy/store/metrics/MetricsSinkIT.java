package dev.eddy.store.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.ViewReads;
import dev.eddy.store.ViewStore;
import dev.eddy.store.testing.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The per-minute views' sink inside real Flink jobs on a MiniCluster, writing into H2 and PostgreSQL. */
class MetricsSinkIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");
    private static final Instant END = T0.plusSeconds(3600);

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @TempDir
    Path dataDir;

    @Test
    void upsertsEveryKeysLastFiguresIntoH2() throws Exception {
        assertSinkWritesLastFigures(DatabaseAddress.embedded(dataDir), MinuteView.EVENTS);
    }

    @Test
    void upsertsEveryKeysLastFiguresIntoPostgres() throws Exception {
        assertSinkWritesLastFigures(POSTGRES.createDatabase("sink"), MinuteView.EVENTS);
    }

    @Test
    void upsertsEveryKeysLastFiguresIntoPostgresPages() throws Exception {
        assertSinkWritesLastFigures(POSTGRES.createDatabase("sink_pages"), MinuteView.PAGES);
    }

    @Test
    void replayingTheSameStreamLeavesTheSameRows() throws Exception {
        List<MinuteMetric> stream = growingFigures(new Random(11), 8, 6);
        try (ViewStore store = ViewStore.open(DatabaseAddress.embedded(dataDir))) {
            runJob(stream, store.address(), MinuteView.EVENTS);
            List<MinuteMetric> first = readAll(store, MinuteView.EVENTS);
            runJob(stream, store.address(), MinuteView.EVENTS);

            assertThat(readAll(store, MinuteView.EVENTS)).isEqualTo(first).containsExactlyElementsOf(lastPerKey(stream));
        }
    }

    @Test
    void rowsAppearWhileTheJobRunsWithoutACheckpoint() throws Exception {
        List<MinuteMetric> rows = growingFigures(new Random(5), 4, 3);
        List<MinuteMetric> stream = new ArrayList<>(rows);
        stream.add(HoldStream.MARKER);
        try (ViewStore store = ViewStore.open(DatabaseAddress.embedded(dataDir))) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(stream)
                    .filter(new HoldStream())
                    .sinkTo(MetricsSink.upserting(store.address(), MinuteView.EVENTS));
            JobClient job = env.executeAsync("metrics-sink-live-it");
            try {
                // checkpointing is off and the input has not ended: only the batch interval flushes
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(readAll(store, MinuteView.EVENTS)).containsExactlyElementsOf(lastPerKey(rows)));
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            } finally {
                HoldStream.RELEASE.countDown();
            }
            job.getJobExecutionResult().get();
        }
    }

    /**
     * Passes the stream through until {@link #MARKER}, then holds the job open until the test
     * releases it, so the test sees what the sink writes before the end of the input.
     */
    private static final class HoldStream implements FilterFunction<MinuteMetric> {
        static final MinuteMetric MARKER = new MinuteMetric(Instant.EPOCH, "hold", 0, 0, false);
        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @Override
        public boolean filter(MinuteMetric metric) throws InterruptedException {
            if (metric.equals(MARKER)) {
                RELEASE.await();
                return false;
            }
            return true;
        }
    }

    /** Several batches' worth of updates, each key repeated with growing figures. */
    private void assertSinkWritesLastFigures(DatabaseAddress address, MinuteView view) throws Exception {
        List<MinuteMetric> stream = growingFigures(new Random(42), 60, 12);
        try (ViewStore store = ViewStore.open(address)) {
            runJob(stream, address, view);

            assertThat(readAll(store, view)).containsExactlyElementsOf(lastPerKey(stream));
        }
    }

    /**
     * The job's output shape: per (minute, event) key a run of updates whose count and users
     * only grow, the last one final; the keys' updates interleaved.
     */
    private static List<MinuteMetric> growingFigures(Random random, int keys, int updatesPerKey) {
        List<List<MinuteMetric>> perKey = new ArrayList<>();
        String[] events = {"page", "screen", "Signup", "Order Completed"};
        for (int k = 0; k < keys; k++) {
            Instant start = T0.plusSeconds(60L * (k / events.length));
            String event = events[k % events.length];
            List<MinuteMetric> updates = new ArrayList<>();
            long count = 0;
            long users = 0;
            for (int u = 0; u < updatesPerKey; u++) {
                count += 1 + random.nextInt(20);
                users = Math.min(count, users + random.nextInt(5));
                updates.add(new MinuteMetric(start, event, count, users, u == updatesPerKey - 1));
            }
            perKey.add(updates);
        }
        List<MinuteMetric> interleaved = new ArrayList<>();
        int[] next = new int[keys];
        int remaining = keys * updatesPerKey;
        while (remaining > 0) {
            int k = random.nextInt(keys);
            if (next[k] < updatesPerKey) {
                interleaved.add(perKey.get(k).get(next[k]++));
                remaining--;
            }
        }
        return interleaved;
    }

    private static List<MinuteMetric> lastPerKey(List<MinuteMetric> stream) {
        Map<String, MinuteMetric> last = new LinkedHashMap<>();
        for (MinuteMetric metric : stream) {
            last.put(metric.start() + "/" + metric.event(), metric);
        }
        return last.values().stream()
                .sorted(Comparator.comparing(MinuteMetric::start).thenComparing(MinuteMetric::event))
                .toList();
    }

    /** One sink subtask, as the job feeds it from its keyed operator: order per key is kept. */
    private static void runJob(List<MinuteMetric> stream, DatabaseAddress address, MinuteView view) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(stream).sinkTo(MetricsSink.upserting(address, view)).name("metrics-sink");
        env.execute("metrics-sink-it");
    }

    private static List<MinuteMetric> readAll(ViewStore store, MinuteView view) {
        return new MetricsQuery(ViewReads.of(store.dataSource()), view).perMinute(T0, END, Optional.empty());
    }
}
