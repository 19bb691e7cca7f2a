package dev.eddy.server;

import static dev.eddy.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.store.funnels.FunnelsUpsert;
import dev.eddy.store.metrics.MetricsUpsert;
import dev.eddy.store.metrics.MinuteView;
import dev.eddy.store.sessions.SessionsUpsert;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/live} and the dashboard on the real server and H2 view: what a client of the
 * stream receives, when it changes, and the errors a user sees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveIT {
    /** The live window is this minute and the 15 before it: 09:47 to 10:02. */
    static final Instant NOW = Instant.parse("2026-11-27T10:02:30Z");
    /** What {@link #linesOf} adds once the stream ended: no server sends a NUL in an event stream. */
    private static final String END = "\u0000end of stream";

    @TempDir
    static Path dir;
    RunningServer eddy;

    @BeforeAll
    void start() {
        eddy = new RunningServer(dir, Clock.fixed(NOW, ZoneOffset.UTC));
        MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.EVENTS, List.of(
                new MinuteMetric(Instant.parse("2026-11-27T09:46:00Z"), "page", 7, 7, true), // before the window
                new MinuteMetric(Instant.parse("2026-11-27T09:47:00Z"), "page", 3, 2, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:01:00Z"), "Signed Up", 1, 1, true),
                new MinuteMetric(Instant.parse("2026-11-27T10:02:00Z"), "page", 5, 4, false),
                new MinuteMetric(Instant.parse("2026-11-27T10:03:00Z"), "page", 1, 1, false))); // after it
        // the dashboard's last hour: 09:03 to 10:03
        SessionsUpsert.upsertAll(eddy.store.dataSource(), List.of(
                new SessionMetric(Instant.parse("2026-11-27T09:02:00Z"), 99, 99, 99_000, 99, 99), // before the hour
                new SessionMetric(Instant.parse("2026-11-27T09:30:00Z"), 6, 6, 720_000, 30, 2),
                new SessionMetric(Instant.parse("2026-11-27T10:01:00Z"), 3, 1, 45_000, 4, 0),
                new SessionMetric(Instant.parse("2026-11-27T10:02:00Z"), 2, 0, 0, 0, 0),
                new SessionMetric(Instant.parse("2026-11-27T10:03:00Z"), 50, 0, 0, 0, 0))); // after it
        // checkout's five steps; none for signup (RunningServer.FUNNELS)
        FunnelsUpsert.upsertAll(eddy.store.dataSource(), List.of(
                new FunnelMetric("checkout", Instant.parse("2026-11-27T09:02:00Z"), List.of(99L, 99L, 99L, 99L, 99L)),
                new FunnelMetric("checkout", Instant.parse("2026-11-27T09:30:00Z"), List.of(6L, 4L, 2L, 1L, 1L)),
                new FunnelMetric("checkout", Instant.parse("2026-11-27T10:01:00Z"), List.of(3L, 2L, 0L, 0L, 0L)),
                new FunnelMetric("checkout", Instant.parse("2026-11-27T10:03:00Z"), List.of(50L, 50L, 50L, 50L, 50L))));
    }

    @AfterAll
    void stop() {
        eddy.close();
    }

    @Test
    void sendsTheWindowsRowsAtOnceThenEachChange() throws Exception {
        HttpResponse<Stream<String>> response = stream(HttpRequest.newBuilder(
                eddy.uri("/v1/live?key=" + RunningServer.READ_KEY)).header("Accept", "text/event-stream"));
        try {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            BlockingQueue<String> lines = linesOf(response);

            assertThat(nextEvent(lines)).isEqualTo(json("""
                    {"interval":"minute","series":[
                      {"start":"2026-11-27T09:47:00Z","event":"page","count":3,"users":2,"final":true},
                      {"start":"2026-11-27T10:01:00Z","event":"Signed Up","count":1,"users":1,"final":true},
                      {"start":"2026-11-27T10:02:00Z","event":"page","count":5,"users":4,"final":false}]}"""));

            // the open minute grows, as the analytics job upserts it: the next event has it, no repeat before
            MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.EVENTS, List.of(
                    new MinuteMetric(Instant.parse("2026-11-27T10:02:00Z"), "page", 9, 6, false)));
            JsonNode changed = nextEvent(lines);
            assertThat(changed.path("series")).hasSize(3);
            assertThat(changed.path("series").get(2)).isEqualTo(json("""
                    {"start":"2026-11-27T10:02:00Z","event":"page","count":9,"users":6,"final":false}"""));
        } finally {
            response.body().close();
        }
    }

    @Test
    void takesTheReadKeyAsBearerToo() throws Exception {
        HttpResponse<Stream<String>> response = stream(HttpRequest.newBuilder(eddy.uri("/v1/live"))
                .header("Accept", "text/event-stream").header("Authorization", QueryIT.BEARER));
        try {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(nextEvent(linesOf(response)).path("series")).hasSize(3);
        } finally {
            response.body().close();
        }
    }

    @Test
    void refusesWithoutAReadKey() throws Exception {
        HttpResponse<String> missing = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/live"))
                .header("Accept", "text/event-stream").build());
        HttpResponse<String> writeKey = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/live?key=" + RunningServer.WRITE_KEY))
                .header("Accept", "text/event-stream").build());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing.body()).path("errors").get(0)).isEqualTo(json("""
                {"field":"key","message":"missing read key: send Authorization: Bearer <read key>, or ?key=<read key>"}"""));
        assertThat(writeKey.statusCode()).isEqualTo(401);
        assertThat(json(writeKey.body()).path("errors").get(0)).isEqualTo(json("""
                {"field":"key","message":"unknown read key"}"""));
    }

    @Test
    void aBearerHeaderWinsOverTheKeyParameter() throws Exception {
        HttpResponse<String> wrongHeader = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/live?key=" + RunningServer.READ_KEY))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + RunningServer.WRITE_KEY).build());

        assertThat(wrongHeader.statusCode()).isEqualTo(401);
        assertThat(json(wrongHeader.body()).path("errors").get(0)).isEqualTo(json("""
                {"field":"Authorization","message":"unknown read key"}"""));
    }

    @Test
    void namesTheAcceptHeaderAStreamNeeds() throws Exception {
        HttpResponse<String> plain = eddy.get("/v1/live", QueryIT.BEARER);

        assertThat(plain.statusCode()).isEqualTo(406);
        assertThat(json(plain.body()).path("errors").get(0).path("field").asText()).isEqualTo("Accept");
        assertThat(json(plain.body()).path("errors").get(0).path("message").asText())
                .contains("send Accept: text/event-stream");
    }

    @Test
    void servesTheDashboardWithoutAKey() throws Exception {
        HttpResponse<String> page = eddy.get("/", null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Eddy — live</title>", "/v1/live",
                "<h2>Top pages, last hour</h2>", "'/v1/pages/top?'", "no page views yet",
                "<h2>Sessions, last hour</h2>", "'/v1/sessions?'", "no sessions yet",
                "<h2>Funnels, last hour</h2>", "'/v1/funnels'");
    }

    /**
     * The dashboard's own script, as served, run by Node against this server at {@link #NOW}: the
     * sessions panel shows the last hour's figures of the rows in the view, and once a refresh is
     * refused it says why and shows none of them. Needs {@code node} on the PATH (no JavaScript
     * engine ships with the JDK); fails saying so where there is none, as the tests never skip.
     */
    @Test
    void theSessionsPanelShowsTheLastHoursFiguresAndNoneOnceRefused() throws Exception {
        assertThat(nodeRuns()).as("Node.js on the PATH, to run the dashboard's script (see the README's Tests)").isTrue();
        JsonNode panel = runDashboard(eddy.uri("")).path("sessions");

        // 11 started, 7 ended: 765 s / 7 = 1 min 49 s, 34 events / 7, 2 bounces / 7
        assertThat(panel.path("shown")).isEqualTo(json("""
                {"note":"","hidden":false,"figures":["11","7","1 min 49 s","4.86","28.6 %%"],
                 "startedPerMinute":%s}""".formatted(startedPerMinute())));
        assertThat(panel.path("refused")).isEqualTo(json("""
                {"note":"sessions unavailable: unknown read key","hidden":true,"figures":[],"startedPerMinute":[]}"""));
    }

    /** The bars of 09:03 to 10:02: 6 at 09:30, 3 at 10:01, 2 at 10:02. */
    private static String startedPerMinute() {
        List<String> bars = new ArrayList<>(Collections.nCopies(60, "\"0\""));
        bars.set(27, "\"6\"");
        bars.set(58, "\"3\"");
        bars.set(59, "\"2\"");
        return bars.toString();
    }

    /**
     * The funnels panel, likewise: each configured funnel's steps over the last hour, in the
     * config's order, a funnel without sessions saying so; once refused, why, and no funnel.
     */
    @Test
    void theFunnelsPanelShowsEachFunnelsLastHourAndNoneOnceRefused() throws Exception {
        assertThat(nodeRuns()).as("Node.js on the PATH, to run the dashboard's script (see the README's Tests)").isTrue();
        JsonNode panel = runDashboard(eddy.uri("")).path("funnels");

        // 09:30 and 10:01: 9 entered, then 6, 2, 1, 1; the bars are 240 px for all of the first step's
        assertThat(panel.path("shown")).isEqualTo(json("""
                {"note":"","funnels":[
                  {"caption":"checkout","steps":[
                    ["page:Home","9","100.0 %","240px"],
                    ["page:Product","6","66.7 %","160px"],
                    ["track:Checkout Started","2","22.2 %","53px"],
                    ["track:Payment Info Entered","1","11.1 %","27px"],
                    ["track:Order Completed","1","11.1 %","27px"]]},
                  {"caption":"signup — no sessions entered it yet","steps":[
                    ["page:Pricing","0","—","0px"],
                    ["track:Signed Up","0","—","0px"]]}]}"""));
        assertThat(panel.path("refused")).isEqualTo(json("""
                {"note":"funnels unavailable: unknown read key","funnels":[]}"""));
    }

    @Test
    void theFunnelsPanelSaysHowToConfigureOneWhenNoneIs() throws Exception {
        assertThat(nodeRuns()).as("Node.js on the PATH, to run the dashboard's script (see the README's Tests)").isTrue();
        EddyServer none = eddy.startServer(Clock.fixed(NOW, ZoneOffset.UTC), EddyConfig.defaults().ingest(), Funnels.NONE);
        try {
            JsonNode panel = runDashboard(URI.create("http://127.0.0.1:" + none.port())).path("funnels");

            assertThat(panel.path("shown")).isEqualTo(json("""
                    {"note":"no funnels configured: name their steps under funnels: in eddy.yaml, e.g. checkout: [page:Home, track:Order Completed]",
                     "funnels":[]}"""));
        } finally {
            none.close();
        }
    }

    /** The harness's account of the sessions and the funnels panels, shown then refused, against the server at {@code base}. */
    private JsonNode runDashboard(URI base) throws Exception {
        Path harness = Path.of(LiveIT.class.getResource("/dashboard-harness.js").toURI());
        Path output = Files.createTempFile(dir, "dashboard", ".json");
        Process node = new ProcessBuilder("node", harness.toString(), base.toString(), RunningServer.READ_KEY,
                RunningServer.WRITE_KEY, String.valueOf(NOW.toEpochMilli()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            throw new AssertionError("the dashboard did not finish in 30 s: " + Files.readString(output));
        }
        assertThat(node.exitValue()).as(Files.readString(output)).isZero();
        return json(Files.readString(output));
    }

    private static boolean nodeRuns() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return node.waitFor(10, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException | InterruptedException notThere) {
            return false;
        }
    }

    @Test
    void closingTheServerEndsItsStreams() throws Exception {
        EddyServer second = eddy.startServer(Clock.fixed(NOW, ZoneOffset.UTC), EddyConfig.defaults().ingest());
        HttpResponse<Stream<String>> response = stream(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + second.port() + "/v1/live?key=" + RunningServer.READ_KEY)).header("Accept", "text/event-stream"));
        try {
            BlockingQueue<String> lines = linesOf(response);
            assertThat(nextEvent(lines).path("series")).hasSize(3);

            second.close();

            await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(END));
        } finally {
            response.body().close();
        }
    }

    @Test
    void aClientThatStopsReadingDoesNotHoldUpTheOthers() throws Exception {
        // a window of its own, a day later, so the other tests' rows stay as they are
        Instant later = NOW.plus(Duration.ofDays(1));
        Instant lastMinute = later.truncatedTo(ChronoUnit.MINUTES);
        // some 10 MB of rows: more than the stuck client's socket buffers and the server's (up to 4 MB) hold
        String name = "e".repeat(190);
        MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.EVENTS, IntStream.range(0, 16 * 2_500).mapToObj(i -> new MinuteMetric(
                lastMinute.minus(Duration.ofMinutes(i % 16)), name + i / 16, 1, 1, true)).toList());
        EddyServer second = eddy.startServer(Clock.fixed(later, ZoneOffset.UTC), EddyConfig.defaults().ingest());
        HttpResponse<Stream<String>> response = null;
        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(1024); // before connecting, so the window it offers stays small
            stuck.connect(new InetSocketAddress("127.0.0.1", second.port()));
            stuck.getOutputStream().write(("GET /v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "Authorization: " + QueryIT.BEARER + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // the server is writing the rows to it once they start coming; it reads no more of them
            readUntil(stuck.getInputStream(), "event: metrics");

            response = stream(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.port() + "/v1/live"))
                    .header("Accept", "text/event-stream").header("Authorization", QueryIT.BEARER));
            BlockingQueue<String> lines = linesOf(response);
            assertThat(nextEvent(lines).path("series")).hasSize(16 * 2_500);

            MetricsUpsert.upsertAll(eddy.store.dataSource(), MinuteView.EVENTS, List.of(new MinuteMetric(lastMinute, name + 0, 2, 2, true)));
            // within nextEvent's 25 s, before Jetty's idle timeout (30 s) would drop the stuck client
            JsonNode changed = nextEvent(lines);
            assertThat(changed.path("series").findValues("count")).filteredOn(count -> count.asLong() == 2).hasSize(1);
        } finally {
            if (response != null) response.body().close();
            second.close();
        }
    }

    /** Reads from {@code in} until {@code text} came, byte by byte so it reads nothing after it. */
    private static void readUntil(InputStream in, String text) throws IOException {
        StringBuilder read = new StringBuilder();
        while (read.indexOf(text) < 0) {
            int b = in.read();
            if (b < 0) throw new AssertionError("the stream ended before " + text + ": " + read);
            read.append((char) b);
        }
    }

    private static HttpResponse<Stream<String>> stream(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** The stream's lines as they come, read on a thread of their own, then {@link #END} when it ends. */
    private static BlockingQueue<String> linesOf(HttpResponse<Stream<String>> response) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                response.body().forEach(lines::add);
            } finally {
                lines.add(END); // ended by the server, cleanly or not
            }
        }, "live-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** The data of the next {@code metrics} event on the stream. */
    private static JsonNode nextEvent(BlockingQueue<String> lines) {
        String[] event = new String[1];
        String[] data = new String[1];
        await().atMost(Duration.ofSeconds(25)).until(() -> {
            for (String line; (line = lines.poll()) != null; ) {
                if (line.startsWith("event:")) event[0] = line.substring(6).trim();
                if (line.startsWith("data:") && "metrics".equals(event[0])) {
                    data[0] = line.substring(5).trim();
                    return true;
                }
            }
            return false;
        });
        return json(data[0]);
    }
}
