package dev.eddy.store.funnels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.ViewReads;
import dev.eddy.store.ViewStore;
import dev.eddy.store.testing.PostgresExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The funnels view's sink inside real Flink jobs on a MiniCluster, writing into H2 and PostgreSQL. */
class FunnelsSinkIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");

    /** Two funnels of different lengths, so that one statement writes either. */
    private static final Map<String, Integer> STEPS = Map.of("checkout", 5, "signup", 2);

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @TempDir
    Path dataDir;

    @Test
    void upsertsEachMinutesLastRowIntoH2() throws Exception {
        assertSinkWritesLastRows(DatabaseAddress.embedded(dataDir));
    }

    @Test
    void upsertsEachMinutesLastRowIntoPostgres() throws Exception {
        assertSinkWritesLastRows(POSTGRES.createDatabase("funnels_sink"));
    }

    /** Several batches' worth of rows, written twice as a job replaying after a restore writes them. */
    private void assertSinkWritesLastRows(DatabaseAddress address) throws Exception {
        List<FunnelMetric> stream = changingRows(new Random(42), 30, 10);
        try (ViewStore store = ViewStore.open(address)) {
            runJob(stream, address);
            List<FunnelMetric> first = readAll(store);
            runJob(stream, address);

            assertThat(readAll(store)).isEqualTo(first).containsExactlyElementsOf(lastPerMinute(stream));
        }
    }

    /**
     * The job's output shape: per funnel and minute a run of whole rows as sessions start and go on
     * (a count may also fall, when a late event joins two sessions), the runs interleaved.
     */
    private static List<FunnelMetric> changingRows(Random random, int minutes, int updatesPerMinute) {
        List<List<FunnelMetric>> runs = new ArrayList<>();
        for (String funnel : List.of("checkout", "signup")) {
            for (int m = 0; m < minutes; m++) {
                List<FunnelMetric> updates = new ArrayList<>();
                for (int u = 0; u < updatesPerMinute; u++) {
                    List<Long> reached = new ArrayList<>();
                    long sessions = 1 + random.nextInt(50);
                    for (int step = 0; step < STEPS.get(funnel); step++) {
                        reached.add(sessions);
                        sessions = random.nextInt((int) sessions + 1);
                    }
                    updates.add(new FunnelMetric(funnel, T0.plusSeconds(60L * m), reached));
                }
                runs.add(updates);
            }
        }
        List<FunnelMetric> interleaved = new ArrayList<>();
        int[] next = new int[runs.size()];
        for (int remaining = runs.size() * updatesPerMinute; remaining > 0; ) {
            int r = random.nextInt(runs.size());
            if (next[r] < updatesPerMinute) {
                interleaved.add(runs.get(r).get(next[r]++));
                remaining--;
            }
        }
        return interleaved;
    }

    private static List<FunnelMetric> lastPerMinute(List<FunnelMetric> stream) {
        Map<String, FunnelMetric> last = new LinkedHashMap<>();
        stream.forEach(row -> last.put(row.funnel() + "@" + row.start(), row));
        return last.values().stream()
                .sorted(Comparator.comparing(FunnelMetric::funnel).thenComparing(FunnelMetric::start))
                .toList();
    }

    /** One sink subtask, as the job feeds it from its keyed operator: order per funnel and minute is kept. */
    private static void runJob(List<FunnelMetric> stream, DatabaseAddress address) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(stream).sinkTo(FunnelsSink.upserting(address)).name("funnels-sink");
        env.execute("funnels-sink-it");
    }

    private static List<FunnelMetric> readAll(ViewStore store) {
        FunnelsQuery query = new FunnelsQuery(ViewReads.of(store.dataSource()));
        List<FunnelMetric> rows = new ArrayList<>();
        for (String funnel : List.of("checkout", "signup")) {
            rows.addAll(query.minutes(funnel, STEPS.get(funnel), T0, T0.plusSeconds(3600)));
        }
        return rows;
    }
}
