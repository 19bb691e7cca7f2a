package dev.eddy.store.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.sessions.SessionMetric;
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

/** The sessions view's sink inside real Flink jobs on a MiniCluster, writing into H2 and PostgreSQL. */
class SessionsSinkIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");

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
        assertSinkWritesLastRows(POSTGRES.createDatabase("sessions_sink"));
    }

    /** Several batches' worth of rows, written twice as a job replaying after a restore writes them. */
    private void assertSinkWritesLastRows(DatabaseAddress address) throws Exception {
        List<SessionMetric> stream = changingRows(new Random(42), 40, 15);
        try (ViewStore store = ViewStore.open(address)) {
            runJob(stream, address);
            List<SessionMetric> first = readAll(store);
            runJob(stream, address);

            assertThat(readAll(store)).isEqualTo(first).containsExactlyElementsOf(lastPerMinute(stream));
        }
    }

    /**
     * The job's output shape: per minute a run of whole rows as sessions start and end (a count may
     * also fall, when a late event joins two sessions), the minutes' runs interleaved.
     */
    private static List<SessionMetric> changingRows(Random random, int minutes, int updatesPerMinute) {
        List<List<SessionMetric>> perMinute = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            List<SessionMetric> updates = new ArrayList<>();
            for (int u = 0; u < updatesPerMinute; u++) {
                long sessions = 1 + random.nextInt(50);
                long ended = random.nextInt((int) sessions + 1);
                long bounces = ended == 0 ? 0 : random.nextInt((int) ended + 1);
                updates.add(new SessionMetric(T0.plusSeconds(60L * m), sessions, ended,
                        ended * random.nextInt(600_000), ended + random.nextInt(200), bounces));
            }
            perMinute.add(updates);
        }
        List<SessionMetric> interleaved = new ArrayList<>();
        int[] next = new int[minutes];
        for (int remaining = minutes * updatesPerMinute; remaining > 0; ) {
            int m = random.nextInt(minutes);
            if (next[m] < updatesPerMinute) {
                interleaved.add(perMinute.get(m).get(next[m]++));
                remaining--;
            }
        }
        return interleaved;
    }

    private static List<SessionMetric> lastPerMinute(List<SessionMetric> stream) {
        Map<Instant, SessionMetric> last = new LinkedHashMap<>();
        stream.forEach(row -> last.put(row.start(), row));
        return last.values().stream().sorted(Comparator.comparing(SessionMetric::start)).toList();
    }

    /** One sink subtask, as the job feeds it from its keyed operator: order per minute is kept. */
    private static void runJob(List<SessionMetric> stream, DatabaseAddress address) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(stream).sinkTo(SessionsSink.upserting(address)).name("sessions-sink");
        env.execute("sessions-sink-it");
    }

    private static List<SessionMetric> readAll(ViewStore store) {
        return new SessionsQuery(ViewReads.of(store.dataSource())).minutes(T0, T0.plusSeconds(3600)).minutes();
    }
}
