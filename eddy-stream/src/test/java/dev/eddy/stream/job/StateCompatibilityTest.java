package dev.eddy.stream.job;

import static dev.eddy.stream.event.TestEvents.analyticsTrack;
import static dev.eddy.model.alerts.Alert.Kind.DROP;
import static dev.eddy.model.alerts.Alert.State.FIRING;
import static dev.eddy.model.alerts.Alert.State.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.model.EventType;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.stream.alerts.AlertRule;
import dev.eddy.stream.alerts.AnomalyDetector;
import dev.eddy.stream.dedup.Deduplicator;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.funnels.FunnelDelta;
import dev.eddy.stream.funnels.SortedFunnels;
import dev.eddy.stream.metrics.MinuteMetricsOperator;
import dev.eddy.stream.metrics.WindowKey;
import dev.eddy.stream.sessions.SessionDelta;
import dev.eddy.stream.sessions.SessionMinutes;
import dev.eddy.stream.sessions.SessionTimes;
import dev.eddy.stream.sessions.SortedSessions;
import dev.eddy.stream.sessions.Visit;
import dev.eddy.stream.sessions.VisitorSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * State written by earlier versions of the job's stateful steps restores into this one, and the
 * figures carry on exactly. Eddy restores its job from the newest checkpoint at every start, so a
 * version that could not read its predecessor's state (a renamed state or timer service, a
 * serializer that cannot read the old bytes) would leave an upgraded job failing its restore.
 *
 * <p>Each file under {@code src/test/resources/state/} is a savepoint of one step in Flink's
 * canonical format, which either backend restores, written by the version it is named after from
 * the events of {@link #metricsBefore}, {@link #dedupBefore}, {@link #alertsBefore}, {@link #visitsBefore} or
 * {@link #sessionDeltasBefore}: {@code minute-metrics-v1} by the
 * {@code KeyedProcessFunction} the metrics were before they wrote their state behind (commit
 * ff12570, with this class's writer run against it), the {@code -v2}, {@code dedup-v1}, {@code anomaly-alerts-v1},
 * {@code visitor-sessions-v1} and {@code session-metrics-v1} files by the version before funnels
 * (commit 8290130), {@code visitor-sessions-v2} (the spans with funnel steps, from
 * {@link #funnelVisitsBefore}) and {@code session-metrics-v2} (with funnel figures, from
 * {@link #funnelDeltasBefore} too) by this one. The two metrics files hold the same state, as they should: the operator kept the
 * state and timer names; they differ in the snapshot's ids only. The pages step is the same operator
 * as the metrics, so their files stand for its state too. When a step's state changes shape on purpose,
 * keep the old files (they are what existing installs hold), bump the step's layout below and write
 * the new ones: {@code mvn -pl eddy-stream test -Dtest=StateCompatibilityTest
 * -Deddy.state.write=$PWD/eddy-stream/src/test/resources/state}.
 */
class StateCompatibilityTest {

    /** The state layout of this version's steps: the names their snapshots are written under. */
    private static final String METRICS_LAYOUT = "minute-metrics-v2";
    private static final String DEDUP_LAYOUT = "dedup-v1";
    private static final String ALERTS_LAYOUT = "anomaly-alerts-v1";
    private static final String VISITOR_SESSIONS_LAYOUT = "visitor-sessions-v2";
    private static final String SESSION_METRICS_LAYOUT = "session-metrics-v2";
    private static final Funnels FUNNELS = new Funnels(List.of(
            new Funnel("checkout", List.of(FunnelStep.page("Home"), FunnelStep.track("Buy")))));
    private static final long HOME = FUNNELS.stepsOf(EventType.PAGE, null, "Home");
    private static final long BUY = FUNNELS.stepsOf(EventType.TRACK, "Buy", null);
    /** A 5-minute baseline (its warm-up too), 3 standard deviations, at least 10 events, judged at once. */
    private static final AlertRule ALERT_RULE = new AlertRule(5, 3.0, 10, Duration.ZERO);

    private static final Duration LATENESS = Duration.ofMinutes(10);
    private static final Duration UPDATE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration TTL = Duration.ofHours(24);
    private static final SessionTimes SESSION_TIMES = SessionTimes.of(Duration.ofSeconds(30), LATENESS);
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long START = 1_699_999_980_000L;
    private static final String[] SERIES = {"Clicked", "Signed Up"};
    /** The watermark the metrics were at when their snapshots were taken: the first minute final, two open. */
    private static final long WATERMARK_BEFORE = START + 59_999;
    /** The watermark of the sessions' snapshots: some sessions over, some open. */
    private static final long SESSIONS_WATERMARK_BEFORE = START + 60_000;

    private final List<MinuteMetric> emitted = new ArrayList<>();

    /**
     * Three minutes of two series, 60 events of 7 users and none; the first minute goes final, the
     * others have live updates pending.
     */
    static List<AnalyticsEvent> metricsBefore() {
        List<AnalyticsEvent> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long timestamp = START + (i / 20) * 60_000L + (i % 20) * 2_000L;
            String user = i % 11 == 0 ? null : "user-" + i % 7;
            events.add(analyticsTrack("b" + i, SERIES[i % 2], user, timestamp));
        }
        return events;
    }

    /** After the restore: 30 events in all three minutes (late in the first), of users old and new. */
    static List<AnalyticsEvent> metricsAfter() {
        List<AnalyticsEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long timestamp = START + (i % 3) * 60_000L + 45_000 + i * 100L;
            events.add(analyticsTrack("a" + i, SERIES[i % 2], "user-" + i % 10, timestamp));
        }
        return events;
    }

    /** Ten message ids, first seen at TTL time 0. */
    static List<AnalyticsEvent> dedupBefore() {
        List<AnalyticsEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) events.add(analyticsTrack("m" + i, "Clicked", "user-" + i, START + i));
        return events;
    }

    /**
     * Final rows of five minutes of 25 events; event time has passed the fourth minute, so the
     * watch has judged four and the fifth waits on its timer.
     */
    static List<MinuteMetric> alertsBefore() {
        List<MinuteMetric> rows = new ArrayList<>();
        for (int m = 0; m < 5; m++) rows.add(new MinuteMetric(Instant.ofEpochMilli(START + m * 60_000L), "Order Completed", 25, 5, true));
        return rows;
    }

    /** Four visitors' visits, up to {@link #SESSIONS_WATERMARK_BEFORE}: a:1's first session and a:2's over, the others open. */
    static List<Visit> visitsBefore() {
        return List.of(visit("a:1", 0), visit("a:1", 20), visit("a:2", 5), visit("u:3", 40), visit("a:1", 100),
                visit("a:2", 90));
    }

    /** After the restore: a late event reopening a:1's first session, sessions going on, a new visitor. */
    static List<Visit> visitsAfter() {
        return List.of(visit("a:1", 45), visit("u:3", 65), visit("a:2", 120), visit("a:4", 200));
    }

    private static Visit visit(String visitor, int second) {
        return visit(visitor, second, 0);
    }

    private static Visit visit(String visitor, int second, long steps) {
        return new Visit(visitor, START + second * 1_000L, steps);
    }

    /**
     * Funnel steps of three visitors up to {@link #SESSIONS_WATERMARK_BEFORE}: a:1 walks the funnel
     * (over), a:2 buys before it enters (over), u:3 enters (open).
     */
    static List<Visit> funnelVisitsBefore() {
        return List.of(visit("a:1", 0, HOME), visit("a:1", 20, BUY), visit("a:2", 5, BUY), visit("a:2", 10, HOME),
                visit("u:3", 40, HOME));
    }

    /** After the restore: u:3 buys, a:2 buys late into its session over, a new visitor enters. */
    static List<Visit> funnelVisitsAfter() {
        return List.of(visit("u:3", 50, BUY), visit("a:2", 12, BUY), visit("a:4", 200, HOME));
    }

    /** Checkout in the first minute of {@link #sessionDeltasBefore}: both sessions entered, one bought. */
    static List<FunnelDelta> funnelDeltasBefore() {
        long definition = FUNNELS.definition(0);
        return List.of(new FunnelDelta("checkout", definition, START, new long[] {1, 1}),
                new FunnelDelta("checkout", definition, START, new long[] {1, 0}));
    }

    /** Two minutes' deltas, the first minute's figures emitted at processing time 1 000, its last delta not. */
    static List<SessionDelta> sessionDeltasBefore() {
        return List.of(new SessionDelta(START, 1, 0, 0, 0, 0, START + 5_000),
                new SessionDelta(START, 1, 1, 4_000, 2, 0, START + 4_000),
                new SessionDelta(START + 60_000, 1, 0, 0, 0, 0, START + 61_000),
                new SessionDelta(START, 0, 1, 10_000, 3, 0, START + 10_000));
    }

    @ParameterizedTest(name = "{0} into {1}")
    @CsvSource({"visitor-sessions-v1, hashmap", "visitor-sessions-v1, rocksdb"})
    void visitorSessionsCarryOnExactly(String snapshot, String backend) throws Exception {
        var harness = visitorSessionsHarness(backend, Funnels.NONE);
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(resource(snapshot)));
        harness.open();
        for (Visit visit : visitsAfter()) harness.processElement(visit, visit.timestampMillis());
        harness.processWatermark(Long.MAX_VALUE);
        List<SessionDelta> deltas = new ArrayList<>(harness.extractOutputValues());
        if (backend.equals("hashmap")) {
            assertThat(harness.numKeyedStateEntries()).as("every session forgotten at the input's end").isZero();
        }
        assertThat(harness.numEventTimeTimers()).isZero();
        harness.close();
        // what the version before emitted up to its snapshot
        var before = visitorSessionsHarness(backend, Funnels.NONE);
        before.open();
        for (Visit visit : visitsBefore()) before.processElement(visit, visit.timestampMillis());
        before.processWatermark(SESSIONS_WATERMARK_BEFORE);
        deltas.addAll(before.extractOutputValues());
        before.close();

        Map<String, List<Long>> times = new HashMap<>();
        for (Visit visit : visitsBefore()) times.computeIfAbsent(visit.visitorKey(), v -> new ArrayList<>()).add(visit.timestampMillis());
        for (Visit visit : visitsAfter()) times.computeIfAbsent(visit.visitorKey(), v -> new ArrayList<>()).add(visit.timestampMillis());
        assertThat(SortedSessions.summed(deltas)).isEqualTo(SortedSessions.rows(times.values(), SESSION_TIMES.gapMs()));
    }

    /**
     * The version before funnels restored into a job that follows one: the sessions carry on
     * exactly; those from before count no funnel step (they are frozen), a new visitor's do.
     */
    @ParameterizedTest(name = "visitor-sessions-v1 into {0}, following a funnel")
    @CsvSource({"hashmap", "rocksdb"})
    void sessionsFromBeforeFunnelsCountNoSteps(String backend) throws Exception {
        var harness = visitorSessionsHarness(backend, FUNNELS);
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(resource("visitor-sessions-v1")));
        harness.open();
        List<Visit> after = new ArrayList<>(visitsAfter());
        after.add(visit("a:1", 101, HOME)); // in a:1's open session from before
        after.add(visit("a:5", 210, HOME));
        for (Visit visit : after) harness.processElement(visit, visit.timestampMillis());
        harness.processWatermark(Long.MAX_VALUE);

        List<FunnelDelta> deltas = new ArrayList<>();
        harness.getSideOutput(VisitorSessions.FUNNELS).forEach(record -> deltas.add(record.getValue()));
        assertThat(SortedFunnels.summed(deltas))
                .containsExactly(new FunnelMetric("checkout", Instant.ofEpochMilli(START + 180_000), List.of(1L, 0L)));
        harness.close();
    }

    /** Sessions with funnel steps, restored: the sessions and the funnel carry on exactly. */
    @ParameterizedTest(name = "visitor-sessions-v2 into {0}, following its funnel")
    @CsvSource({"hashmap", "rocksdb"})
    void funnelStepsCarryOnExactly(String backend) throws Exception {
        var harness = visitorSessionsHarness(backend, FUNNELS);
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(resource("visitor-sessions-v2")));
        harness.open();
        for (Visit visit : funnelVisitsAfter()) harness.processElement(visit, visit.timestampMillis());
        harness.processWatermark(Long.MAX_VALUE);
        List<FunnelDelta> deltas = new ArrayList<>();
        harness.getSideOutput(VisitorSessions.FUNNELS).forEach(record -> deltas.add(record.getValue()));
        List<SessionDelta> sessionDeltas = new ArrayList<>(harness.extractOutputValues());
        harness.close();
        var before = visitorSessionsHarness(backend, FUNNELS);
        before.open();
        for (Visit visit : funnelVisitsBefore()) before.processElement(visit, visit.timestampMillis());
        before.processWatermark(SESSIONS_WATERMARK_BEFORE);
        before.getSideOutput(VisitorSessions.FUNNELS).forEach(record -> deltas.add(record.getValue()));
        sessionDeltas.addAll(before.extractOutputValues());
        before.close();

        Map<String, List<Long>> times = new HashMap<>();
        for (Visit visit : funnelVisitsBefore()) times.computeIfAbsent(visit.visitorKey(), v -> new ArrayList<>()).add(visit.timestampMillis());
        for (Visit visit : funnelVisitsAfter()) times.computeIfAbsent(visit.visitorKey(), v -> new ArrayList<>()).add(visit.timestampMillis());
        assertThat(SortedSessions.summed(sessionDeltas)).isEqualTo(SortedSessions.rows(times.values(), SESSION_TIMES.gapMs()));

        // a:1 walked it; a:2's buy at 12 s follows its home page at 10 s; u:3 bought; a:4 entered
        assertThat(SortedFunnels.summed(deltas)).containsExactlyInAnyOrder(
                new FunnelMetric("checkout", Instant.ofEpochMilli(START), List.of(3L, 3L)),
                new FunnelMetric("checkout", Instant.ofEpochMilli(START + 180_000), List.of(1L, 0L)));
    }

    /** The sessions' figures of either version carry on, and from the second the funnel's: the other session buys. */
    @ParameterizedTest(name = "{0} into {1}")
    @CsvSource({"session-metrics-v1, hashmap", "session-metrics-v1, rocksdb",
            "session-metrics-v2, hashmap", "session-metrics-v2, rocksdb"})
    void sessionMetricsCarryOnExactly(String snapshot, String backend) throws Exception {
        var harness = sessionMetricsHarness(backend);
        harness.setProcessingTime(1_500);
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(resource(snapshot)));
        harness.open();
        harness.processElement1(new SessionDelta(START + 60_000, 0, 1, 0, 1, 1, START + 61_000), START);
        harness.processElement2(new FunnelDelta("checkout", FUNNELS.definition(0), START, new long[] {0, 1}), START);
        harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));

        List<FunnelMetric> funnelRows = new ArrayList<>();
        harness.getSideOutput(SessionMinutes.FUNNEL_ROWS).forEach(record -> funnelRows.add(record.getValue()));
        assertThat(funnelRows).last().isEqualTo(new FunnelMetric("checkout", Instant.ofEpochMilli(START),
                snapshot.endsWith("v1") ? List.of(0L, 1L) : List.of(2L, 2L)));

        Map<Instant, SessionMetric> last = new HashMap<>();
        for (SessionMetric row : harness.extractOutputValues()) last.put(row.start(), row);
        assertThat(last).containsOnly(
                Map.entry(Instant.ofEpochMilli(START), new SessionMetric(Instant.ofEpochMilli(START), 2, 2, 14_000, 5, 0)),
                Map.entry(Instant.ofEpochMilli(START + 60_000),
                        new SessionMetric(Instant.ofEpochMilli(START + 60_000), 1, 1, 0, 1, 1)));
        if (backend.equals("hashmap")) {
            assertThat(harness.numKeyedStateEntries()).as("every minute dropped at the input's end").isZero();
        }
        assertThat(harness.numEventTimeTimers() + harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    @ParameterizedTest(name = "{0} into {1}")
    @CsvSource({"anomaly-alerts-v1, hashmap", "anomaly-alerts-v1, rocksdb"})
    void anomalyAlertsCarryOnExactly(String snapshot, String backend) throws Exception {
        var harness = alertsHarness(backend);
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(resource(snapshot)));
        harness.open();
        // none in the sixth minute, 25 in the seventh; then the input ends
        harness.processElement(new MinuteMetric(Instant.ofEpochMilli(START + 6 * 60_000L), "Order Completed", 25, 5, true),
                START + 6 * 60_000L);
        harness.processWatermark(Long.MAX_VALUE);

        // 25 ± 3·√25: 10 to 40; the input's end judges no minute after its last row
        assertThat(harness.extractOutputValues())
                .extracting(a -> (a.minute().toEpochMilli() - START) / 60_000, Alert::state, Alert::kind, Alert::count)
                .containsExactly(tuple(5L, FIRING, DROP, 0L), tuple(6L, RESOLVED, DROP, 25L));
        if (backend.equals("hashmap")) { // RocksDB's harness cannot count its entries
            assertThat(harness.numKeyedStateEntries()).as("nothing kept after the input's end").isZero();
        }
        assertThat(harness.numEventTimeTimers()).isZero();
        harness.close();
    }

    @ParameterizedTest(name = "{0} into {1}")
    @CsvSource({"minute-metrics-v1, hashmap", "minute-metrics-v1, rocksdb",
            "minute-metrics-v2, hashmap", "minute-metrics-v2, rocksdb"})
    void minuteMetricsCarryOnExactly(String snapshot, String backend) throws Exception {
        var harness = metricsHarness(backend);
        harness.setProcessingTime(1_500);
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(resource(snapshot)));
        harness.open();
        for (AnalyticsEvent event : metricsAfter()) harness.processElement(event, event.timestampMillis());
        harness.setProcessingTime(3_000);
        drain(harness);
        harness.processWatermark(Long.MAX_VALUE);
        drain(harness);

        Map<WindowKey, Long> counts = new HashMap<>();
        Map<WindowKey, Set<String>> users = new HashMap<>();
        List<AnalyticsEvent> all = new ArrayList<>(metricsBefore());
        all.addAll(metricsAfter());
        for (AnalyticsEvent event : all) {
            WindowKey key = WindowKey.of(event);
            counts.merge(key, 1L, Long::sum);
            Set<String> windowUsers = users.computeIfAbsent(key, k -> new HashSet<>());
            if (event.userKey() != null) windowUsers.add(event.userKey());
        }
        Map<WindowKey, MinuteMetric> last = new HashMap<>();
        for (MinuteMetric row : emitted) last.put(new WindowKey(row.event(), row.start().toEpochMilli()), row);
        assertThat(last).hasSize(6).hasSameSizeAs(counts);
        counts.forEach((key, count) -> assertThat(last.get(key)).as(key.toString()).isEqualTo(new MinuteMetric(
                Instant.ofEpochMilli(key.minuteStart()), key.series(), count, users.get(key).size(), true)));
        // the restored timers fired and were dropped with their windows
        assertThat(harness.numEventTimeTimers() + harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    @ParameterizedTest(name = "{0} into {1}")
    @CsvSource({"dedup-v1, hashmap", "dedup-v1, rocksdb"})
    void dedupRemembersWhatItSawForItsTtl(String snapshot, String backend) throws Exception {
        var harness = dedupHarness(backend);
        harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
        // the same time for dedup's filters, which file the restored keys and vouch for the others
        harness.setProcessingTime(TTL.toMillis() - 1);
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(resource(snapshot)));
        harness.open();
        for (String id : List.of("m3", "m10", "m9", "m10", "m11")) {
            harness.processElement(analyticsTrack(id, "Clicked", "user-1", START), START);
        }
        assertThat(harness.extractOutputValues()).extracting(AnalyticsEvent::dedupKey).containsExactly("m10", "m11");

        // the restored entries kept the time they were first seen: a day later they are forgotten
        harness.setStateTtlProcessingTime(TTL.toMillis());
        harness.processElement(analyticsTrack("m3", "Clicked", "user-1", START), START);
        assertThat(harness.extractOutputValues()).extracting(AnalyticsEvent::dedupKey)
                .containsExactly("m10", "m11", "m3");
        harness.close();
    }

    /** Writes this version's snapshots; run by hand when a step's state changes shape (see the class comment). */
    @Test
    @EnabledIfSystemProperty(named = "eddy.state.write", matches = ".+")
    void writeThisVersionsSnapshots() throws Exception {
        Path dir = Files.createDirectories(Path.of(System.getProperty("eddy.state.write")));

        var metrics = metricsHarness("rocksdb");
        metrics.setProcessingTime(0);
        metrics.open();
        List<AnalyticsEvent> before = metricsBefore();
        for (int i = 0; i < before.size(); i++) {
            metrics.processElement(before.get(i), before.get(i).timestampMillis());
            if (i == 19) metrics.processWatermark(WATERMARK_BEFORE);
            if (i == 39) metrics.setProcessingTime(1_000);
        }
        metrics.prepareSnapshotPreBarrier(1);
        write(metrics.snapshotWithLocalState(1, 1_500, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState(), dir.resolve(METRICS_LAYOUT));
        metrics.close();

        var dedup = dedupHarness("rocksdb");
        dedup.setStateTtlProcessingTime(0);
        dedup.open();
        for (AnalyticsEvent event : dedupBefore()) dedup.processElement(event, event.timestampMillis());
        write(dedup.snapshotWithLocalState(1, 0, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState(), dir.resolve(DEDUP_LAYOUT));
        dedup.close();

        var alerts = alertsHarness("rocksdb");
        alerts.open();
        for (MinuteMetric row : alertsBefore()) alerts.processElement(row, row.start().toEpochMilli());
        alerts.processWatermark(START + 4 * 60_000L - 1);
        write(alerts.snapshotWithLocalState(1, 0, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState(), dir.resolve(ALERTS_LAYOUT));
        alerts.close();

        var sessions = visitorSessionsHarness("rocksdb", FUNNELS);
        sessions.open();
        for (Visit visit : funnelVisitsBefore()) sessions.processElement(visit, visit.timestampMillis());
        sessions.processWatermark(SESSIONS_WATERMARK_BEFORE);
        sessions.prepareSnapshotPreBarrier(1);
        write(sessions.snapshotWithLocalState(1, 0, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState(), dir.resolve(VISITOR_SESSIONS_LAYOUT));
        sessions.close();

        var sessionMetrics = sessionMetricsHarness("rocksdb");
        sessionMetrics.setProcessingTime(0);
        sessionMetrics.open();
        List<SessionDelta> deltas = sessionDeltasBefore();
        List<FunnelDelta> funnelDeltas = funnelDeltasBefore();
        for (int i = 0; i < deltas.size(); i++) {
            if (i == 3) sessionMetrics.setProcessingTime(1_000);
            sessionMetrics.processElement1(deltas.get(i), START);
            if (i < funnelDeltas.size()) sessionMetrics.processElement2(funnelDeltas.get(i), START);
        }
        write(sessionMetrics.snapshotWithLocalState(1, 1_500, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState(), dir.resolve(SESSION_METRICS_LAYOUT));
        sessionMetrics.close();

    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MinuteMetric, Alert> alertsHarness(String backend)
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AnomalyDetector(ALERT_RULE)), MinuteMetric::event, Types.STRING);
        harness.setStateBackend(stateBackend(backend));
        return harness;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Visit, SessionDelta> visitorSessionsHarness(
            String backend, Funnels funnels) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new VisitorSessions(SESSION_TIMES, funnels), Visit::visitorKey, Types.STRING);
        harness.setStateBackend(stateBackend(backend));
        return harness;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<Long, SessionDelta, FunnelDelta, SessionMetric>
            sessionMetricsHarness(String backend) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new SessionMinutes(SESSION_TIMES, FUNNELS, UPDATE_INTERVAL)),
                SessionDelta::minuteStart, FunnelDelta::minuteStart, Types.LONG);
        harness.setStateBackend(stateBackend(backend));
        return harness;
    }

    private static KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> metricsHarness(
            String backend) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new MinuteMetricsOperator(LATENESS, UPDATE_INTERVAL), WindowKey::of, TypeInformation.of(WindowKey.class));
        harness.setStateBackend(stateBackend(backend));
        return harness;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AnalyticsEvent, AnalyticsEvent> dedupHarness(
            String backend) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new Deduplicator(TTL), AnalyticsEvent::dedupKey, Types.STRING);
        harness.setStateBackend(stateBackend(backend));
        return harness;
    }

    private static StateBackend stateBackend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    private static String resource(String snapshot) throws Exception {
        return Path.of(StateCompatibilityTest.class.getResource("/state/" + snapshot + ".savepoint").toURI()).toString();
    }

    private static void write(OperatorSubtaskState state, Path file) throws Exception {
        OperatorSnapshotUtil.writeStateHandle(state, file + ".savepoint");
    }

    private void drain(KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> harness) {
        emitted.addAll(harness.extractOutputValues());
        harness.getOutput().clear();
    }
}
