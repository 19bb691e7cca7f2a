package dev.eddy.stream.job;

import static dev.eddy.model.alerts.Alert.Kind.DROP;
import static dev.eddy.model.alerts.Alert.Kind.SPIKE;
import static dev.eddy.model.alerts.Alert.State.FIRING;
import static dev.eddy.model.alerts.Alert.State.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.event.LateEvent;
import dev.eddy.stream.event.TestEvents;
import dev.eddy.stream.sessions.SortedSessions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AnalyticsJobIT {

    private static final int EVENTS = 5_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private record Series(Instant start, String event) {}

    @Test
    void finalMinuteMetricsEqualTheGroundTruth() throws Exception {
        Configuration conf = new Configuration();
        // a Kryo fallback anywhere in the graph fails the job instead of passing silently
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        CollectingSink<MinuteMetric> metrics = new CollectingSink<>();
        CollectingSink<MinuteMetric> pages = new CollectingSink<>();
        CollectingSink<LateEvent> late = new CollectingSink<>();
        DataGeneratorSource<AnalyticsEvent> source = new DataGeneratorSource<>(
                i -> {
                    Event event = SyntheticTraffic.event(i);
                    return AnalyticsEvent.of(event, EventJson.encode(event));
                },
                EVENTS,
                TypeInformation.of(AnalyticsEvent.class));

        AnalyticsJob.build(env, source,
                new AnalyticsJob.Sinks(metrics, pages, new CollectingSink<>(), new CollectingSink<>(), late, new CollectingSink<>(), new CollectingSink<>()),
                AnalyticsJob.Settings.defaults());
        env.execute("analytics-it");

        assertThat(lastPerKey(metrics.received())).isEqualTo(groundTruth(SERIES));
        assertThat(lastPerKey(pages.received())).isEqualTo(groundTruth(PAGE));
        assertThat(groundTruth(PAGE).keySet().stream().map(Series::event).distinct())
                .as("paths, and names of pages without one and of screens")
                .containsExactlyInAnyOrder("/", "/pricing", "/docs/intro", "/docs/api", "Home", "Pricing", "Docs");
        assertThat(late.received()).as("the traffic is never an hour late").isEmpty();
    }

    /**
     * A backlog hours old, replayed for longer than the idle timeout: every event counts and none
     * is late. Each source reader has a main output beside its splits' that sees no event; its
     * watermark once followed the wall clock after the idle timeout and went straight downstream,
     * so the rest of such a backlog was declared hours late.
     */
    @Test
    void aBacklogOlderThanTheAllowedLatenessCountsWholeHowLongItsReplayTakes() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        CollectingSink<MinuteMetric> metrics = new CollectingSink<>();
        CollectingSink<LateEvent> late = new CollectingSink<>();
        long threeHoursAgo = System.currentTimeMillis() - Duration.ofHours(3).toMillis();
        int events = 800;
        // 200 a second: the replay lasts 4 s, twice the idle timeout below
        DataGeneratorSource<AnalyticsEvent> source = new DataGeneratorSource<>(
                i -> TestEvents.analyticsTrack("b" + i, "Clicked", "user-" + i % 7, threeHoursAgo + i * 100),
                events, RateLimiterStrategy.perSecond(200), TypeInformation.of(AnalyticsEvent.class));
        AnalyticsJob.Settings defaults = AnalyticsJob.Settings.defaults();
        AnalyticsJob.Settings settings = new AnalyticsJob.Settings(defaults.outOfOrderness(), Duration.ofSeconds(2),
                defaults.allowedLateness(), defaults.dedupTtl(), defaults.liveUpdateInterval(), defaults.alerts(),
                defaults.sessionGap(), defaults.funnels());

        AnalyticsJob.build(env, source,
                new AnalyticsJob.Sinks(metrics, new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>(), late, new CollectingSink<>(),
                        new CollectingSink<>()),
                settings);
        env.execute("backlog-it");

        Map<Series, MinuteMetric> lastPerSeries = lastPerKey(metrics.received());
        assertThat(late.received()).isEmpty();
        assertThat(lastPerSeries.values()).allMatch(MinuteMetric::isFinal);
        assertThat(lastPerSeries.values().stream().mapToLong(MinuteMetric::count).sum()).isEqualTo(events);
    }

    /**
     * Two series, steady for 15 minutes but for one minute each: "Order Completed" (20 a minute)
     * has none in minute 12, "Clicked" (15 a minute) has 100 in minute 11. The bands, from a
     * steady baseline whose deviation is the Poisson floor: 20 ± 4·√20 = 2.11 to 37.89, and
     * 15 ± 4·√15 = 1 (every minute had events) to 30.49. The input's end judges no minute after
     * the last.
     */
    @Test
    void anomaliesOfClosedMinutesFireAndResolve() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        CollectingSink<Alert> alerts = new CollectingSink<>();
        DataGeneratorSource<AnalyticsEvent> source = new DataGeneratorSource<>(
                i -> ALERT_TRAFFIC.get((int) (long) i), ALERT_TRAFFIC.size(), TypeInformation.of(AnalyticsEvent.class));

        CollectingSink<Alert> alertsView = new CollectingSink<>();
        AnalyticsJob.build(env, source,
                new AnalyticsJob.Sinks(new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>(),
                        new CollectingSink<>(), new CollectingSink<>(), alerts, alertsView),
                AnalyticsJob.Settings.defaults());
        env.execute("alerts-it");

        assertThat(alerts.received().stream()
                .sorted(Comparator.comparing(Alert::series).thenComparing(Alert::minute).thenComparing(Alert::state))
                .map(a -> List.of(a.series(), a.minute(), a.state(), a.kind(), a.count(), a.expected(), a.low(), a.high())))
                .containsExactly(
                        List.of("Clicked", minute(11), FIRING, SPIKE, 100L, 15.0, 1.0, 30.49),
                        List.of("Clicked", minute(12), RESOLVED, SPIKE, 15L, 15.0, 1.0, 30.49),
                        List.of("Order Completed", minute(12), FIRING, DROP, 0L, 20.0, 2.11, 37.89),
                        List.of("Order Completed", minute(13), RESOLVED, DROP, 20L, 20.0, 2.11, 37.89));
        assertThat(alertsView.received()).containsExactlyInAnyOrderElementsOf(alerts.received());
    }

    /**
     * Visitors' sessions through the whole job, with a gap of 10 s: the last row of each start
     * minute is what sorting each visitor's counted events and splitting them at gaps over 10 s
     * gives, whatever order the events came in.
     */
    @Test
    void finalSessionRowsEqualEachVisitorsSortedEventsSplitAtTheGap() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        CollectingSink<SessionMetric> sessions = new CollectingSink<>();
        DataGeneratorSource<AnalyticsEvent> source = new DataGeneratorSource<>(
                i -> TestEvents.analytics(SESSION_TRAFFIC.get((int) (long) i)), SESSION_TRAFFIC.size(),
                TypeInformation.of(AnalyticsEvent.class));
        AnalyticsJob.Settings defaults = AnalyticsJob.Settings.defaults();
        AnalyticsJob.Settings settings = new AnalyticsJob.Settings(defaults.outOfOrderness(), defaults.idleness(),
                defaults.allowedLateness(), defaults.dedupTtl(), defaults.liveUpdateInterval(), defaults.alerts(),
                SESSION_GAP, Funnels.NONE);

        AnalyticsJob.build(env, source, new AnalyticsJob.Sinks(new CollectingSink<>(), new CollectingSink<>(), sessions,
                new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>()), settings);
        env.execute("sessions-it");

        Map<Instant, SessionMetric> last = new LinkedHashMap<>();
        for (SessionMetric row : sessions.received()) last.put(row.start(), row);
        Map<Instant, SessionMetric> movedAway = new HashMap<>(last);
        movedAway.values().removeIf(row -> row.sessions() != 0);
        last.values().removeIf(row -> row.sessions() == 0);
        assertThat(last).isEqualTo(sessionsGroundTruth());
        // g's two events take different paths through the shuffles at parallelism 2: when its 122 s
        // reaches the sessions first, its session starts in minute 2 and moves to minute 1 with
        // its 117 s, which leaves minute 2 a row of none; in the other order minute 2 has no row
        assertThat(movedAway.values()).as("rows of none").isSubsetOf(new SessionMetric(sessionMinute(2), 0, 0, 0, 0, 0));
        assertThat(sessionsGroundTruth().values()).as("the traffic below, by hand").containsExactlyInAnyOrder(
                new SessionMetric(sessionMinute(0), 4, 4, 7_000 + 5_000 + 15_000, 10, 1),
                new SessionMetric(sessionMinute(1), 3, 3, 15_000 + 15_000 + 5_000, 8, 0));
    }

    /**
     * A funnel through the whole job, with a gap of 10 s, by hand: Home, Product, Order Completed.
     * Minute 0: v1 walks it all, its events out of order (3); v2 views a product before the home
     * page (1); v3 enters, and its product view 20 s on is another session, which never entered
     * (1): {@code [3, 1, 1]}. Minute 1: v4 on an app, by screens (2); v5 in two sessions joined by
     * an event between them that is of no step (2): {@code [2, 2, 0]}. v6 orders without a session
     * that entered.
     */
    @Test
    void funnelRowsCountHowFarEachSessionWalkedTheStepsInOrder() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        CollectingSink<FunnelMetric> rows = new CollectingSink<>();
        DataGeneratorSource<AnalyticsEvent> source = new DataGeneratorSource<>(
                i -> TestEvents.analytics(FUNNEL_TRAFFIC.get((int) (long) i), FUNNELS), FUNNEL_TRAFFIC.size(),
                TypeInformation.of(AnalyticsEvent.class));
        AnalyticsJob.Settings defaults = AnalyticsJob.Settings.defaults();
        AnalyticsJob.Settings settings = new AnalyticsJob.Settings(defaults.outOfOrderness(), defaults.idleness(),
                defaults.allowedLateness(), defaults.dedupTtl(), defaults.liveUpdateInterval(), defaults.alerts(),
                SESSION_GAP, FUNNELS);

        AnalyticsJob.build(env, source, new AnalyticsJob.Sinks(new CollectingSink<>(), new CollectingSink<>(),
                new CollectingSink<>(), rows, new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>()), settings);
        env.execute("funnels-it");

        Map<Instant, List<Long>> last = new LinkedHashMap<>();
        for (FunnelMetric row : rows.received()) last.put(row.start(), row.reached());
        assertThat(last).containsExactlyInAnyOrderEntriesOf(Map.of(
                sessionMinute(0), List.of(3L, 1L, 1L),
                sessionMinute(1), List.of(2L, 2L, 0L)));
        assertThat(rows.received()).allMatch(row -> row.funnel().equals("checkout"));
    }

    private static final Duration SESSION_GAP = Duration.ofSeconds(10);
    private static final Instant SESSIONS_START = Instant.parse("2026-11-27T12:00:00Z");
    private static final List<Event> SESSION_TRAFFIC = sessionTraffic();
    private static final Funnels FUNNELS = new Funnels(List.of(new Funnel("checkout",
            List.of(FunnelStep.page("Home"), FunnelStep.page("Product"), FunnelStep.track("Order Completed")))));
    private static final List<Event> FUNNEL_TRAFFIC = funnelTraffic();


    private static List<Event> funnelTraffic() {
        List<Event> traffic = new ArrayList<>();
        for (Object[] e : new Object[][] {
                {"v1", 1, EventType.PAGE, "Home"}, {"v1", 5, EventType.TRACK, "Order Completed"},
                {"v1", 3, EventType.PAGE, "Product"}, {"v2", 10, EventType.PAGE, "Product"},
                {"v2", 12, EventType.PAGE, "Home"}, {"v3", 50, EventType.PAGE, "Home"},
                {"v3", 70, EventType.PAGE, "Product"}, {"v4", 65, EventType.SCREEN, "Home"},
                {"v4", 66, EventType.SCREEN, "Product"}, {"v5", 100, EventType.PAGE, "Home"},
                {"v5", 115, EventType.PAGE, "Product"}, {"v5", 108, EventType.TRACK, "Clicked"},
                {"v6", 130, EventType.TRACK, "Order Completed"}}) {
            String label = (String) e[3];
            boolean track = e[2] == EventType.TRACK;
            Instant at = SESSIONS_START.plusSeconds((int) e[1]);
            traffic.add(new Event("f" + traffic.size(), (EventType) e[2], track ? label : null, track ? null : label,
                    null, "anon-" + e[0], null, null, null, at, at, at, at, null, null, null));
        }
        return traffic;
    }

    private static Instant sessionMinute(int n) {
        return SESSIONS_START.plus(Duration.ofMinutes(n));
    }

    private static List<Event> sessionTraffic() {
        List<Event> events = new ArrayList<>();
        // a: out of order within the out-of-orderness, then another session 22 s on; and a duplicate
        for (int second : new int[] {1, 4, 3, 8, 30, 35}) events.add(sessionEvent(events, second, EventType.TRACK, null, "anon-a"));
        events.add(events.get(0));
        // b: a bounce
        events.add(sessionEvent(events, 50, EventType.PAGE, null, "anon-b"));
        // c: a server's calls, with a userId only, across a minute's end
        for (int second : new int[] {55, 62, 70}) events.add(sessionEvent(events, second, EventType.TRACK, "user-c", null));
        // d: anonymous, then logged in: still the anonymous id's one session
        events.add(sessionEvent(events, 65, EventType.SCREEN, null, "anon-d"));
        events.add(sessionEvent(events, 72, EventType.SCREEN, "user-d", "anon-d"));
        events.add(sessionEvent(events, 80, EventType.TRACK, "user-d", "anon-d"));
        // e: no visitor, counted in the metrics only
        events.add(sessionEvent(events, 66, EventType.TRACK, null, null));
        // f: two sessions 15 s apart, and an event between them that joins them, in whatever order they come
        for (int second : new int[] {100, 115, 108}) events.add(sessionEvent(events, second, EventType.TRACK, null, "anon-f"));
        // g: an event before the session's first moves the session to the minute before
        for (int second : new int[] {122, 117}) events.add(sessionEvent(events, second, EventType.TRACK, null, "anon-g"));
        // h: calls not counted make no session
        events.add(sessionEvent(events, 140, EventType.IDENTIFY, null, "anon-h"));
        events.add(TestEvents.event("s" + events.size(), EventType.TRACK, null, "user-h", "anon-h",
                SESSIONS_START.toEpochMilli() + 141_000));
        return events;
    }

    private static Event sessionEvent(List<Event> before, int second, EventType type, String userId, String anonymousId) {
        return TestEvents.event("s" + before.size(), type, "Clicked", userId, anonymousId,
                SESSIONS_START.toEpochMilli() + second * 1_000L);
    }

    /** Each visitor's counted events, computed from the traffic alone: sorted, split at gaps over the gap. */
    private static Map<Instant, SessionMetric> sessionsGroundTruth() {
        Set<String> seen = new HashSet<>();
        Map<String, List<Long>> visits = new HashMap<>();
        for (Event e : SESSION_TRAFFIC) {
            if (!seen.add(e.messageId()) || SERIES.of(e) == null) continue;
            String visitor = e.anonymousId() != null ? "anonymous " + e.anonymousId()
                    : e.userId() != null ? "user " + e.userId() : null;
            if (visitor != null) visits.computeIfAbsent(visitor, v -> new ArrayList<>()).add(e.timestamp().toEpochMilli());
        }
        return SortedSessions.rows(visits.values(), SESSION_GAP.toMillis());
    }

    private static final Instant ALERTS_START = Instant.parse("2026-11-27T10:00:00Z");
    private static final List<AnalyticsEvent> ALERT_TRAFFIC = alertTraffic();

    private static Instant minute(int n) {
        return ALERTS_START.plus(Duration.ofMinutes(n));
    }

    private static List<AnalyticsEvent> alertTraffic() {
        List<AnalyticsEvent> events = new ArrayList<>();
        for (int m = 0; m < 15; m++) {
            int orders = m == 12 ? 0 : 20;
            int clicks = m == 11 ? 100 : 15;
            for (int i = 0; i < Math.max(orders, clicks); i++) {
                long at = minute(m).toEpochMilli() + i * 500L;
                if (i < orders) events.add(TestEvents.analyticsTrack("o-" + m + "-" + i, "Order Completed", "u" + i, at));
                if (i < clicks) events.add(TestEvents.analyticsTrack("c-" + m + "-" + i, "Clicked", "u" + i, at));
            }
        }
        return events;
    }

    /** The last row of each (minute, series or page): the row the view keeps. */
    private static Map<Series, MinuteMetric> lastPerKey(List<MinuteMetric> rows) {
        Map<Series, MinuteMetric> last = new LinkedHashMap<>();
        for (MinuteMetric m : rows) last.put(new Series(m.start(), m.event()), m);
        return last;
    }

    /** What an event counts under in one view, or null when it does not count there. */
    private interface Dimension {
        String of(Event e);
    }

    private static final Dimension SERIES = e -> switch (e.type()) {
        case TRACK -> e.event();
        case PAGE -> "page";
        case SCREEN -> "screen";
        default -> null;
    };

    /** A page call's path, else its name; a screen call's name. */
    private static final Dimension PAGE = e -> switch (e.type()) {
        case PAGE -> e.properties().path("path").isTextual() ? e.properties().get("path").textValue() : e.name();
        case SCREEN -> e.name();
        default -> null;
    };

    /** Computed from the generated events alone, without the job's code. */
    private static Map<Series, MinuteMetric> groundTruth(Dimension dimension) {
        Set<String> seen = new HashSet<>();
        Map<Series, Long> counts = new HashMap<>();
        Map<Series, Set<String>> users = new HashMap<>();
        for (long i = 0; i < EVENTS; i++) {
            Event e = SyntheticTraffic.event(i);
            if (!seen.add(e.messageId())) continue;
            String series = dimension.of(e);
            if (series == null) continue;
            long millis = e.timestamp().toEpochMilli();
            Series key = new Series(Instant.ofEpochMilli(millis - Math.floorMod(millis, 60_000L)), series);
            counts.merge(key, 1L, Long::sum);
            Set<String> keyUsers = users.computeIfAbsent(key, k -> new HashSet<>());
            if (e.userId() != null) keyUsers.add("u:" + e.userId());
            else if (e.anonymousId() != null) keyUsers.add("a:" + e.anonymousId());
        }
        Map<Series, MinuteMetric> truth = new HashMap<>();
        counts.forEach((key, count) -> truth.put(key,
                new MinuteMetric(key.start(), key.event(), count, users.get(key).size(), true)));
        return truth;
    }
}
