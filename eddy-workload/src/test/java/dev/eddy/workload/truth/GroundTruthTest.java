package dev.eddy.workload.truth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.workload.traffic.SegmentMessage;
import dev.eddy.workload.traffic.TrafficGenerator;
import dev.eddy.workload.traffic.TrafficProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthTest {

    private static Event event(String messageId, EventType type, String name, String userId, String anonymousId,
                               String timestamp) {
        return new Event(messageId, type, type == EventType.TRACK ? name : null,
                type == EventType.TRACK ? null : name, userId, anonymousId, null, null, null,
                Instant.parse(timestamp), null, null, null, null, null, null);
    }

    private static Event withPath(Event e, String path) {
        e.properties().put("path", path);
        return e;
    }

    private static MinuteMetric row(String start, String event, long count, long users) {
        return new MinuteMetric(Instant.parse(start), event, count, users, true);
    }

    @Test
    void countsHandBuiltEventsPerMinuteAndSeries() {
        GroundTruth truth = new GroundTruth();
        List<Boolean> added = new ArrayList<>();
        for (Event e : List.of(
                event("m1", EventType.TRACK, "Signed Up", "x", null, "2025-01-01T12:00:10Z"),
                // the same id string as an anonymousId is another user
                event("m2", EventType.TRACK, "Signed Up", null, "x", "2025-01-01T12:00:20Z"),
                // a retry of m1: counted once
                event("m1", EventType.TRACK, "Signed Up", "x", null, "2025-01-01T12:00:10Z"),
                event("m3", EventType.PAGE, "Home", "x", "anon-1", "2025-01-01T12:00:59.999Z"),
                event("m4", EventType.SCREEN, "Home", null, "y", "2025-01-01T12:00:30Z"),
                event("m5", EventType.IDENTIFY, null, "x", "anon-1", "2025-01-01T12:00:40Z"),
                event("m6", EventType.PAGE, "Home", "x", null, "2025-01-01T12:01:00Z"),
                event("m7", EventType.PAGE, "Product", "x", null, "2025-01-01T12:01:05Z"),
                event("m8", EventType.TRACK, "Order Completed", null, "z", "2025-01-01T12:01:30Z"),
                withPath(event("m9", EventType.PAGE, "Product", "x", null, "2025-01-01T12:01:10Z"), "/product/p-001"),
                withPath(event("m10", EventType.PAGE, "Product", null, "y", "2025-01-01T12:01:20Z"), "/product/p-001"))) {
            added.add(truth.add(e));
        }

        assertThat(added).containsExactly(true, true, false, true, true, true, true, true, true, true, true);
        assertThat(truth.metrics()).containsExactly(
                row("2025-01-01T12:00:00Z", "Signed Up", 2, 2),
                row("2025-01-01T12:00:00Z", "page", 1, 1),
                row("2025-01-01T12:00:00Z", "screen", 1, 1),
                row("2025-01-01T12:01:00Z", "Order Completed", 1, 1),
                row("2025-01-01T12:01:00Z", "page", 4, 2));
        assertThat(truth.pages()).as("a path, else the page's name; a screen's name").containsExactly(
                row("2025-01-01T12:00:00Z", "Home", 2, 2),
                row("2025-01-01T12:01:00Z", "/product/p-001", 2, 2),
                row("2025-01-01T12:01:00Z", "Home", 1, 1),
                row("2025-01-01T12:01:00Z", "Product", 1, 1));
        assertThat(truth.events()).isEqualTo(10);
    }

    @Test
    void generatedTruthMatchesAnIndependentCountOfTheWireMessages() throws IOException {
        List<SegmentMessage> messages = TrafficGenerator.builder()
                .seed(2025).start(Instant.parse("2025-01-01T12:00:45Z")).rate(3).build().take(300);
        List<MinuteMetric> expected = countFromWire(messages, GroundTruthTest::seriesOnWire);
        List<MinuteMetric> expectedPages = countFromWire(messages, GroundTruthTest::pageOnWire);

        GroundTruth truth = new GroundTruth();
        messages.forEach(truth::add);
        // every message sent twice, as client retries would: nothing changes
        messages.forEach(truth::add);

        assertThat(truth.metrics()).isEqualTo(expected);
        assertThat(truth.pages()).isEqualTo(expectedPages);
        assertThat(expectedPages.stream().map(MinuteMetric::event).filter(p -> p.startsWith("/product/p-")).distinct()
                .count()).as("product pages").isGreaterThan(10);
        assertThat(truth.events()).isEqualTo(300);
        assertThat(expected.stream().map(MinuteMetric::start).distinct())
                .containsExactly(Instant.parse("2025-01-01T12:00:00Z"), Instant.parse("2025-01-01T12:01:00Z"),
                        Instant.parse("2025-01-01T12:02:00Z"));
        assertThat(expected.stream().mapToLong(MinuteMetric::count).sum())
                .isEqualTo(messages.stream().filter(m -> m.event().type() != EventType.IDENTIFY).count());
    }

    private static String seriesOnWire(JsonNode node) {
        return switch (node.get("type").asText()) {
            case "track" -> node.get("event").asText();
            case "page", "screen" -> node.get("type").asText();
            default -> null;
        };
    }

    private static String pageOnWire(JsonNode node) {
        return switch (node.get("type").asText()) {
            case "page" -> node.path("properties").path("path").asText(node.path("name").asText());
            case "screen" -> node.get("name").asText();
            default -> null;
        };
    }

    /** Reads the JSON as the server would, without the model's Event: series or page, minute, user key. */
    private static List<MinuteMetric> countFromWire(List<SegmentMessage> messages, Function<JsonNode, String> dimension)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<Instant, Map<String, List<String>>> usersByMinute = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (SegmentMessage message : messages) {
            JsonNode node = json.readTree(message.bytes());
            if (!seen.add(node.get("messageId").asText())) continue;
            String series = dimension.apply(node);
            if (series == null) continue;
            String user = node.hasNonNull("userId") ? "u:" + node.get("userId").asText()
                    : "a:" + node.get("anonymousId").asText();
            Instant minute = Instant.parse(node.get("timestamp").asText()).truncatedTo(ChronoUnit.MINUTES);
            usersByMinute.computeIfAbsent(minute, m -> new TreeMap<>())
                    .computeIfAbsent(series, s -> new ArrayList<>()).add(user);
        }
        List<MinuteMetric> rows = new ArrayList<>();
        usersByMinute.forEach((minute, bySeries) -> bySeries.forEach((series, users) ->
                rows.add(new MinuteMetric(minute, series, users.size(), new HashSet<>(users).size(), true))));
        rows.sort(Comparator.comparing(MinuteMetric::start).thenComparing(MinuteMetric::event));
        return rows;
    }

    @Test
    void recordingAddsWhatASenderTakes() {
        TrafficGenerator generator = TrafficGenerator.builder().seed(1).start(Instant.parse("2025-01-01T00:00:00Z"))
                .rate(50).build();
        GroundTruth truth = new GroundTruth();
        var recording = truth.recording(generator);
        for (int i = 0; i < 120; i++) recording.next();

        assertThat(truth.events()).isEqualTo(120);
    }

    @Test
    void truthFileRoundTripsAndHasTheDocumentedShape(@TempDir Path dir) throws IOException {
        GroundTruth truth = new GroundTruth();
        truth.add(event("m1", EventType.TRACK, "Signed Up", "x", null, "2025-01-01T12:00:10Z"));
        truth.add(event("m2", EventType.PAGE, "Home", null, "y", "2025-01-01T12:01:10Z"));
        TruthFile file = TruthFile.of(truth, 7, Duration.ofSeconds(90), new Funnels(List.of(TrafficProfile.CHECKOUT)));
        Path path = dir.resolve("truth.json");

        file.write(path);

        JsonNode json = new ObjectMapper().readTree(Files.readString(path));
        assertThat(json.get("events").asLong()).isEqualTo(2);
        assertThat(json.get("duplicatesSent").asLong()).isEqualTo(7);
        assertThat(json.get("series").get(0).toString())
                .isEqualTo("{\"start\":\"2025-01-01T12:00:00Z\",\"event\":\"Signed Up\",\"count\":1,\"users\":1}");
        assertThat(json.get("series").get(1).toString())
                .isEqualTo("{\"start\":\"2025-01-01T12:01:00Z\",\"event\":\"page\",\"count\":1,\"users\":1}");
        assertThat(json.get("pages").toString())
                .isEqualTo("[{\"start\":\"2025-01-01T12:01:00Z\",\"page\":\"Home\",\"views\":1,\"visitors\":1}]");
        assertThat(json.get("sessionGap").asText()).isEqualTo("90s");
        // x's track and y's page are two visitors' sessions of one event each
        assertThat(json.get("sessions").toString()).isEqualTo("[{\"start\":\"2025-01-01T12:00:00Z\",\"sessions\":1,"
                + "\"ended\":1,\"lengthMillis\":0,\"events\":1,\"bounces\":1},{\"start\":\"2025-01-01T12:01:00Z\","
                + "\"sessions\":1,\"ended\":1,\"lengthMillis\":0,\"events\":1,\"bounces\":1}]");
        // as the config's funnels key takes them
        assertThat(json.get("funnels").toString()).isEqualTo("{\"checkout\":[\"page:Home\",\"page:Product\","
                + "\"track:Product Added\",\"track:Checkout Started\",\"track:Order Completed\"]}");
        // y's Home entered the funnel
        assertThat(json.get("funnelRows").toString())
                .isEqualTo("[{\"funnel\":\"checkout\",\"start\":\"2025-01-01T12:01:00Z\",\"reached\":[1,0,0,0,0]}]");
        assertThat(TruthFile.read(path)).isEqualTo(file);
    }

    @Test
    void aTruthFileFromBeforeTheSessionsViewReadsWithNone() throws IOException {
        TruthFile file = TruthFile.parse("{\"series\":[],\"pages\":[],\"events\":3,\"duplicatesSent\":0}");

        assertThat(file.sessionGap()).isNull();
        assertThat(file.sessions()).isEmpty();
        assertThat(file.funnels()).isEmpty();
        assertThat(file.funnelRows()).isEmpty();
    }

    @Test
    void sessionsAreEachVisitorsCountedEventsSplitWhereTheyAreMoreThanTheGapApart() {
        GroundTruth truth = new GroundTruth();
        for (Event e : List.of(
                // visitor anon-1: three events within 10 s of each other, added out of order, and
                // it logs in midway (its anonymousId stays): one session of 20 s from 12:00:55
                event("a1", EventType.PAGE, "Home", null, "anon-1", "2025-01-01T12:00:55Z"),
                event("a3", EventType.TRACK, "Product Added", "x", "anon-1", "2025-01-01T12:01:15Z"),
                event("a2", EventType.PAGE, "Product", "x", "anon-1", "2025-01-01T12:01:05Z"),
                // not counted, so neither a session nor a part of one
                event("a4", EventType.IDENTIFY, null, "x", "anon-1", "2025-01-01T12:01:20Z"),
                // exactly the gap after the last: the same session
                event("a5", EventType.TRACK, "Order Completed", "x", "anon-1", "2025-01-01T12:01:25Z"),
                // more than the gap after it: a new session, a bounce
                event("a6", EventType.PAGE, "Home", null, "anon-1", "2025-01-01T12:01:35.001Z"),
                // x without an anonymousId (a server-side call): a visitor of its own, a bounce
                event("x1", EventType.TRACK, "Order Completed", "x", null, "2025-01-01T12:00:59Z"),
                // a retry: counted once
                event("x1", EventType.TRACK, "Order Completed", "x", null, "2025-01-01T12:00:59Z"))) {
            truth.add(e);
        }

        assertThat(truth.sessions(Duration.ofSeconds(10))).containsExactly(
                new SessionMetric(Instant.parse("2025-01-01T12:00:00Z"), 2, 2, 30_000, 5, 1),
                new SessionMetric(Instant.parse("2025-01-01T12:01:00Z"), 1, 1, 0, 1, 1));
        // a longer gap joins the bounce to anon-1's first session
        assertThat(truth.sessions(Duration.ofMinutes(1))).containsExactly(
                new SessionMetric(Instant.parse("2025-01-01T12:00:00Z"), 2, 2, 40_001, 6, 1));
    }

    private static final Funnel CHECKOUT = new Funnel("checkout", List.of(FunnelStep.page("Home"), FunnelStep.page("Product"),
            FunnelStep.track("Product Added"), FunnelStep.track("Order Completed")));
    private static final Funnel SIGNUP = new Funnel("signup", List.of(FunnelStep.page("Home"), FunnelStep.track("Signed Up")));

    private static FunnelMetric reached(String funnel, String start, long... reached) {
        return new FunnelMetric(funnel, Instant.parse(start), Arrays.stream(reached).boxed().toList());
    }

    @Test
    void funnelsFollowEachSessionsCountedEventsInTimeOrder() {
        GroundTruth truth = new GroundTruth();
        for (Event e : List.of(
                // a: Product, then Home, then Product again, added out of order: Home and the second Product, 2 steps
                event("a3", EventType.PAGE, "Product", null, "a", "2025-01-01T12:00:03Z"),
                event("a1", EventType.PAGE, "Product", null, "a", "2025-01-01T12:00:01Z"),
                event("a2", EventType.PAGE, "Home", null, "a", "2025-01-01T12:00:02Z"),
                // a retry of a1 with another body: the first one counts, as in the sessions
                event("a1", EventType.TRACK, "Product Added", null, "a", "2025-01-01T12:00:04Z"),
                // b: three steps in one millisecond, added last step first: taken in the steps' order, 3 steps
                event("b3", EventType.TRACK, "Product Added", null, "b", "2025-01-01T12:00:30Z"),
                event("b2", EventType.PAGE, "Product", null, "b", "2025-01-01T12:00:30Z"),
                event("b1", EventType.PAGE, "Home", null, "b", "2025-01-01T12:00:30Z"),
                // c: two in one millisecond, added in the steps' order: 2 steps
                event("c1", EventType.PAGE, "Home", null, "c", "2025-01-01T12:00:40Z"),
                event("c2", EventType.PAGE, "Product", null, "c", "2025-01-01T12:00:40Z"),
                // d: an app's screens are its pages: all 4 steps, the last in the next minute
                event("d1", EventType.SCREEN, "Home", null, "d", "2025-01-01T12:00:50Z"),
                event("d2", EventType.SCREEN, "Product", null, "d", "2025-01-01T12:00:55Z"),
                event("d3", EventType.TRACK, "Product Added", null, "d", "2025-01-01T12:00:58Z"),
                event("d4", EventType.TRACK, "Order Completed", null, "d", "2025-01-01T12:01:05Z"),
                // e: quiet for 15 s after Product: its walk is two sessions, the second entering no funnel;
                // the identify call in between is not counted, so it does not join them
                event("e1", EventType.PAGE, "Home", null, "e", "2025-01-01T12:01:00Z"),
                event("e2", EventType.PAGE, "Product", null, "e", "2025-01-01T12:01:05Z"),
                event("e3", EventType.IDENTIFY, null, "x", "e", "2025-01-01T12:01:12Z"),
                event("e4", EventType.TRACK, "Product Added", "x", "e", "2025-01-01T12:01:20Z"),
                event("e5", EventType.TRACK, "Order Completed", "x", "e", "2025-01-01T12:01:25Z"),
                // f: through the other funnel
                event("f1", EventType.PAGE, "Home", "f", null, "2025-01-01T12:01:30Z"),
                event("f2", EventType.TRACK, "Signed Up", "f", null, "2025-01-01T12:01:31Z"),
                // g: a session in no funnel, alone in its minute: no rows for it
                event("g1", EventType.TRACK, "Clicked", null, "g", "2025-01-01T12:02:00Z"))) {
            truth.add(e);
        }
        Funnels funnels = new Funnels(List.of(CHECKOUT, SIGNUP));

        assertThat(truth.funnels(Duration.ofSeconds(10), funnels)).containsExactly(
                // a 2, b 3, c 2, d 4
                reached("checkout", "2025-01-01T12:00:00Z", 4, 4, 2, 1),
                // e's first session 2, f 1
                reached("checkout", "2025-01-01T12:01:00Z", 2, 1, 0, 0),
                reached("signup", "2025-01-01T12:00:00Z", 4, 0),
                reached("signup", "2025-01-01T12:01:00Z", 2, 1));
        // a longer gap makes e's walk one session, through all 4 steps
        assertThat(truth.funnels(Duration.ofMinutes(1), funnels)).containsExactly(
                reached("checkout", "2025-01-01T12:00:00Z", 4, 4, 2, 1),
                reached("checkout", "2025-01-01T12:01:00Z", 2, 1, 1, 1),
                reached("signup", "2025-01-01T12:00:00Z", 4, 0),
                reached("signup", "2025-01-01T12:01:00Z", 2, 1));
        assertThat(truth.funnels(Duration.ofSeconds(10), Funnels.NONE)).isEmpty();
    }

    @Test
    void theShopsSessionsGoDownItsFunnelNeverGainingOnTheWay() {
        GroundTruth truth = new GroundTruth();
        TrafficGenerator.builder().seed(7).start(Instant.parse("2025-01-01T12:00:00Z")).rate(20).build().take(3_000)
                .forEach(truth::add);
        Duration gap = Duration.ofSeconds(10);

        List<FunnelMetric> rows = truth.funnels(gap, new Funnels(List.of(TrafficProfile.CHECKOUT)));

        Map<Instant, Long> sessions = new TreeMap<>();
        truth.sessions(gap).forEach(row -> sessions.put(row.start(), row.sessions()));
        assertThat(rows).isNotEmpty().allSatisfy(row -> {
            assertThat(row.reached()).hasSize(5).isSortedAccordingTo(Comparator.reverseOrder());
            assertThat(row.reached().get(0)).isPositive().isLessThanOrEqualTo(sessions.get(row.start()));
        });
        assertThat(rows.stream().mapToLong(row -> row.reached().get(4)).sum()).as("orders completed").isPositive();
    }
}
