package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.eddy.runtime.process.EddyProcess;
import dev.eddy.workload.TrafficRun;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Eddy's guarantees across restarts, seen from outside, on one data dir that each test stops
 * and starts Eddy on again. No acknowledged event may be lost (the broker's log and the job's
 * checkpoint survive) and none may count twice (dedup state restored, upserts idempotent): the
 * views must end equal to the ground truth exactly, every minute final.
 *
 * <p>The tests run in order because they share the views: every minute of the second lies after
 * every minute of the first, never the other way round.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartIT {
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
    /** The JVM's exit status when it ends on SIGTERM after running its shutdown hooks: 128 + 15. */
    private static final int EXIT_ON_SIGTERM = 143;

    private static Path dataDir;
    /** The client keeps one address across restarts: the HTTP port is fixed, the others free. */
    private static int httpPort;
    private static EddyProcess eddy;
    private static final ExecutorService client = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void startEddy() throws Exception {
        dataDir = Eddies.freshDataDir(RestartIT.class);
        try (ServerSocket probe = new ServerSocket(0)) {
            httpPort = probe.getLocalPort();
        }
        startAgain();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        client.shutdownNow();
        if (eddy != null) eddy.close();
    }

    /**
     * A client keeps sending while Eddy is stopped with SIGTERM and later killed with SIGKILL,
     * each time started again; the client retries every unacknowledged batch with the same
     * messageIds until the new process takes it.
     */
    @Test
    @Order(1)
    void viewsAreExactAfterAStopAndACrashMidWorkload() throws Exception {
        long events = 36_000;
        AtomicLong acknowledged = new AtomicLong();
        TrafficRun run = Traffic.run(clientUri(), writeKey(), 20_260_103L, events, 3_000, Traffic.SOON_FINAL)
                .progress((acked, total) -> acknowledged.set(acked))
                .build();
        Future<TrafficRun.Result> sending = client.submit(run::run);

        awaitAcknowledged(acknowledged, events / 3);
        assertThat(eddy.stop(STOP_TIMEOUT)).as("exit status after SIGTERM").isEqualTo(EXIT_ON_SIGTERM);
        startAgain();

        awaitAcknowledged(acknowledged, 2 * events / 3);
        eddy.kill();
        startAgain();

        TrafficRun.Result result = sending.get(5, TimeUnit.MINUTES);
        assertThat(result.summary().acknowledged()).isEqualTo(events);
        assertThat(result.summary().retries()).as("batches retried while Eddy was away").isPositive();
        ExactViews.awaitEqual(new EddyApi(eddy.instance()), result.truth(), EndToEndCheck.CONVERGENCE);
    }

    /**
     * The traffic stops, Eddy is stopped while the last minute is still open and started again,
     * and no event ever comes again: the minute must still become final. The stop comes after a
     * checkpoint that covers every event, so the restored job replays none.
     */
    @Test
    @Order(2)
    void aMinuteOpenAtAStopBecomesFinalAfterTheRestartWithoutNewTraffic() throws Exception {
        // A run ending 5 s into a minute dates its events back to that point, up to a minute back,
        // so that events of nearly a minute ago would land in a minute about to close: start 6-30 s
        // into a minute, so that they are seconds old and their minute is still open at the stop.
        // After a restore that replayed nothing the sources send no watermark; the metrics
        // operator moves event time on from the checkpoint's (MinuteMetricsOperator).
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> LocalTime.now(ZoneOffset.UTC).getSecond() >= 6 && LocalTime.now(ZoneOffset.UTC).getSecond() < 30);
        TrafficRun.Result result = Traffic.run(clientUri(), writeKey(), 20_260_104L, 600, 300, Duration.ofSeconds(5))
                .build().run();
        EddyApi api = new EddyApi(eddy.instance());
        ExactViews.awaitLive(api, result.truth(), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.metric("eddy_pipeline_consumer_lag"))
                .as("events on the bus not yet covered by a checkpoint").hasValue(0));
        assertThat(eddy.stop(STOP_TIMEOUT)).as("exit status after SIGTERM").isEqualTo(EXIT_ON_SIGTERM);
        List<String> before = checkpoints();
        // as an older checkpoint, or one a kill cut short, and its RocksDB files would lie there
        Files.createDirectories(jobCheckpoints().resolve("chk-0"));
        Files.writeString(jobCheckpoints().resolve("shared").resolve("stray-sst"), "of no checkpoint");
        startAgain();

        ExactViews.awaitEqual(new EddyApi(eddy.instance()), result.truth(), EndToEndCheck.CONVERGENCE);
        // no disk kept for ever per restart: the job owns the checkpoint it restored, so a newer
        // one subsumes it, and the other folders and files went when the job started (the views
        // came out exact, so nothing the restore needed went with them)
        assertThat(before).as("checkpoints before the restart").isNotEmpty();
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(checkpoints())
                .isNotEmpty()
                .doesNotContainAnyElementsOf(before));
        assertThat(jobCheckpoints().resolve("chk-0")).doesNotExist();
        assertThat(jobCheckpoints().resolve("shared").resolve("stray-sst")).doesNotExist();
    }

    /**
     * A data dir moved elsewhere: its checkpoint names its files by their old absolute paths, so
     * Eddy stops at once with what to do, instead of retrying the restore for ever; moved back, it
     * starts and restores.
     */
    @Test
    @Order(3)
    void aMovedDataDirIsToldToMoveBack() throws Exception {
        assertThat(eddy.stop(STOP_TIMEOUT)).as("exit status after SIGTERM").isEqualTo(EXIT_ON_SIGTERM);
        Path moved = dataDir.resolveSibling(dataDir.getFileName() + "-moved");
        Files.move(dataDir, moved);
        try {
            assertThatThrownBy(() -> Eddies.start(moved, Map.of(), List.of("--port", Integer.toString(httpPort))))
                    .hasMessageContaining("eddy exited with 2 before it was ready")
                    .hasMessageContaining("Was the data dir moved from " + dataDir
                            + "? Checkpoints name their files by absolute path: move it back.");
        } finally {
            Files.move(moved, dataDir);
        }
        startAgain();
        assertThat(checkpoints()).isNotEmpty();
    }

    private static Path jobCheckpoints() throws Exception {
        try (var jobs = Files.list(dataDir.resolve("flink").resolve("checkpoints"))) {
            return jobs.findFirst().orElseThrow();
        }
    }

    /** The job's complete checkpoints ({@code chk-N} with metadata). */
    private static List<String> checkpoints() throws Exception {
        try (var all = Files.list(jobCheckpoints())) {
            return all.filter(d -> d.getFileName().toString().matches("chk-\\d+"))
                    .filter(d -> Files.exists(d.resolve("_metadata")))
                    .map(d -> d.getFileName().toString())
                    .toList();
        }
    }

    /** Starts Eddy on the test's data dir (keys and state kept), on the same HTTP port. */
    private static void startAgain() throws Exception {
        eddy = Eddies.start(dataDir, Map.of(), List.of("--port", Integer.toString(httpPort)));
    }

    private static URI clientUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    private static String writeKey() {
        return eddy.instance().writeKeys().get(0);
    }

    private static void awaitAcknowledged(AtomicLong acknowledged, long atLeast) {
        await().atMost(Duration.ofMinutes(2)).until(() -> acknowledged.get() >= atLeast);
    }
}
