package dev.eddy.it.segment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.bus.publish.CloudEventHeaders;
import dev.eddy.bus.testing.TopicReader;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.Topics;
import dev.eddy.runtime.process.EddyProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Segment's own Node.js library, {@code @segment/analytics-node} at the version locked in
 * {@code src/test/node}, sends a track, a page and an identify to a running Eddy: the one batch
 * request is answered 200 and the three events are on {@code eddy.events} intact — ids, names,
 * properties and traits as sent, the library's context, every other field it sent kept under
 * {@code context.eddy.extra}, its timestamps skew-corrected, keyed by user, with CloudEvents
 * headers.
 */
class SegmentNodeClientIT {
    private static final Path NODE_SOURCES = Path.of("src/test/node");
    private static final Path WORK = Path.of("target/segment-node-client");
    private static final String WRITE_KEY = "it-node-write-key";
    private static final String LIBRARY = "@segment/analytics-node";

    /**
     * The calls, as the library's methods take them. A visitor reads a page anonymously, then
     * signs up (identify links the ids) and orders; the values cover nesting, arrays, null,
     * booleans, decimals and non-ASCII text.
     */
    private static final String CALLS = """
            [
              {"method": "page", "message": {
                "messageId": "node-it-page-1", "anonymousId": "anon-7f3c", "category": "Docs", "name": "Pricing",
                "properties": {"path": "/pricing", "url": "https://example.com/pricing", "referrer": "https://example.com/",
                               "title": "Pricing – Eddy", "search": ""}}},
              {"method": "identify", "message": {
                "messageId": "node-it-identify-1", "userId": "user-42", "anonymousId": "anon-7f3c",
                "traits": {"email": "ada@example.com", "name": "Ada Lovelace", "plan": "pro", "logins": 7,
                           "verified": true, "address": {"city": "London", "country": "GB"}, "tags": ["beta", "émigré"]}}},
              {"method": "track", "message": {
                "messageId": "node-it-track-1", "userId": "user-42", "event": "Order Completed",
                "properties": {"orderId": "o-1001", "revenue": 19.99, "currency": "EUR", "coupon": null, "gift": false,
                               "products": [{"sku": "sku-1", "quantity": 2, "price": 5.5}, {"sku": "sku-2", "quantity": 1, "price": 8.99}],
                               "note": "café ☕ 東京"}}}
            ]""";

    private static EddyProcess eddy;
    /**
     * Eddy listens on IPv4 only while its advertised URL says localhost, which Node (17+) may
     * resolve to ::1 first: the client gets the IPv4 address, as a deployment would give it a host.
     */
    private static String host;
    private static String libraryVersion;
    private static Instant sendStarted;
    private static Instant sendEnded;
    private static JsonNode report;
    private static Map<String, ConsumerRecord<byte[], byte[]>> recordsById;

    @BeforeAll
    static void sendThroughAnalyticsNode() throws Exception {
        FileUtils.deleteDirectory(WORK.toFile());
        libraryVersion = EventJson.MAPPER.readTree(NODE_SOURCES.resolve("package.json").toFile())
                .get("dependencies").get(LIBRARY).asText();
        NodeProject node = NodeProject.install(NODE_SOURCES, WORK.resolve("node"), Duration.ofMinutes(5));
        eddy = EddyProcess.start(WORK.resolve("eddy"), List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError"), Map.of(),
                List.of("--write-key", WRITE_KEY), Duration.ofMinutes(3));
        host = "http://127.0.0.1:" + eddy.instance().httpPort();
        Path callsFile = WORK.resolve("calls.json").toAbsolutePath();
        Files.writeString(callsFile, CALLS, StandardCharsets.UTF_8);

        sendStarted = Instant.now();
        NodeProject.Result run = node.node(Duration.ofMinutes(2), "send.mjs", host, WRITE_KEY,
                callsFile.toString());
        sendEnded = Instant.now();
        assertThat(run.exitCode()).as("send.mjs failed: %s", run.describe()).isZero();
        report = EventJson.MAPPER.readTree(run.stdout());

        recordsById = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(eddy.instance().kafkaBootstrap(), Topics.EVENTS, 3)) {
            recordsById.put(EventJson.decode(record.value()).messageId(), record);
        }
    }

    @AfterAll
    static void stopEddy() throws InterruptedException {
        if (eddy != null) eddy.close();
    }

    @Test
    void theLibrarySendsOneBatchThatIsAnswered200() throws IOException {
        assertThat(report.get("library").asText()).isEqualTo(libraryVersion);
        assertThat(report.get("errors")).isEmpty();
        assertThat(report.get("exchanges")).hasSize(1);
        JsonNode exchange = report.get("exchanges").get(0);
        assertThat(exchange.get("url").asText()).isEqualTo(host + "/v1/batch");
        assertThat(exchange.get("status").asInt()).as(exchange.get("reply").asText()).isEqualTo(200);
        assertThat(EventJson.MAPPER.readTree(exchange.get("reply").asText()))
                .isEqualTo(EventJson.MAPPER.readTree("{\"success\":true}"));
        assertThat(exchange.get("request").get("batch")).hasSize(3);
    }

    @Test
    void pageArrivesIntact() {
        JsonNode sent = call("page");
        Event event = arrived(sent);
        assertThat(event.type()).isEqualTo(EventType.PAGE);
        assertThat(event.name()).isEqualTo("Pricing");
        assertThat(event.event()).isNull();
        assertThat(event.userId()).isNull();
        assertThat(event.anonymousId()).isEqualTo("anon-7f3c");
        // the library copies a page's category into its properties, as Segment's libraries do
        ObjectNode properties = sent.get("properties").deepCopy();
        properties.put("category", "Docs");
        assertThat((Object) event.properties()).isEqualTo(properties);
        assertThat(event.traits()).isEmpty();
        assertKeyHeadersContextAndTime(sent, "anon-7f3c", "segment.page", libraryExtras().put("category", "Docs"));
    }

    @Test
    void identifyArrivesIntact() {
        JsonNode sent = call("identify");
        Event event = arrived(sent);
        assertThat(event.type()).isEqualTo(EventType.IDENTIFY);
        assertThat(event.userId()).isEqualTo("user-42");
        assertThat(event.anonymousId()).isEqualTo("anon-7f3c");
        assertThat((Object) event.traits()).isEqualTo(sent.get("traits"));
        assertThat(event.properties()).isEmpty();
        assertKeyHeadersContextAndTime(sent, "user-42", "segment.identify", libraryExtras());
    }

    @Test
    void trackArrivesIntact() {
        JsonNode sent = call("track");
        Event event = arrived(sent);
        assertThat(event.type()).isEqualTo(EventType.TRACK);
        assertThat(event.event()).isEqualTo("Order Completed");
        assertThat(event.userId()).isEqualTo("user-42");
        assertThat(event.anonymousId()).isNull();
        assertThat((Object) event.properties()).isEqualTo(sent.get("properties"));
        assertThat(event.traits()).isEmpty();
        assertKeyHeadersContextAndTime(sent, "user-42", "Order Completed", libraryExtras());
    }

    @Test
    void nothingIsRejected() {
        assertThat(TopicReader.endOffsetSum(eddy.instance().kafkaBootstrap(), Topics.INVALID)).isZero();
        assertThat(recordsById.keySet()).containsExactlyInAnyOrder("node-it-page-1", "node-it-identify-1", "node-it-track-1");
    }

    /**
     * The Kafka key, the CloudEvents headers, the context and the times of the record carrying
     * {@code sent}: context is the library's own plus, under {@code eddy.extra}, the top-level
     * fields that have no place in an Event; times are the client's, corrected for clock skew.
     */
    private static void assertKeyHeadersContextAndTime(JsonNode sent, String key, String ceType, ObjectNode extra) {
        ConsumerRecord<byte[], byte[]> record = recordsById.get(sent.get("messageId").asText());
        Event event = decode(record);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(key);

        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        assertThat(headers).containsExactlyInAnyOrderEntriesOf(Map.of(
                CloudEventHeaders.SPEC_VERSION, "1.0",
                CloudEventHeaders.ID, event.messageId(),
                CloudEventHeaders.TYPE, ceType,
                CloudEventHeaders.SOURCE, CloudEventHeaders.SEGMENT_SOURCE,
                CloudEventHeaders.TIME, event.timestamp().toString(),
                CloudEventHeaders.CONTENT_TYPE, "application/json"));

        ObjectNode context = EventJson.MAPPER.createObjectNode();
        context.putObject("library").put("name", LIBRARY).put("version", libraryVersion);
        context.putObject("eddy").set("extra", extra);
        assertThat((Object) event.context()).isEqualTo(context);

        JsonNode request = report.get("exchanges").get(0).get("request");
        JsonNode wire = StreamSupport.stream(request.get("batch").spliterator(), false)
                .filter(m -> m.get("messageId").asText().equals(event.messageId()))
                .findFirst().orElseThrow();
        Instant clientTime = Instant.parse(wire.get("timestamp").asText());
        Instant sentAt = Instant.parse(request.get("sentAt").asText());
        assertThat(event.originalTimestamp()).isEqualTo(clientTime);
        assertThat(event.sentAt()).isEqualTo(sentAt);
        assertThat(event.receivedAt()).isBetween(sendStarted, sendEnded);
        assertThat(event.timestamp()).isEqualTo(event.receivedAt().minus(Duration.between(clientTime, sentAt)));
        // the client's Date has millisecond precision
        assertThat(event.timestamp()).isBetween(sendStarted.truncatedTo(ChronoUnit.MILLIS), sendEnded);
    }

    /** What the Node library adds at the top level of every message besides the Segment fields. */
    private static ObjectNode libraryExtras() {
        ObjectNode extra = EventJson.MAPPER.createObjectNode();
        extra.putObject("integrations");
        extra.putObject("_metadata").put("nodeVersion", report.get("node").asText()).put("jsRuntime", "node");
        return extra;
    }

    private static JsonNode call(String method) {
        try {
            for (JsonNode call : EventJson.MAPPER.readTree(CALLS)) {
                if (call.get("method").asText().equals(method)) return call.get("message");
            }
        } catch (IOException e) {
            throw new IllegalStateException("CALLS is JSON", e);
        }
        throw new IllegalArgumentException("no " + method + " call");
    }

    private static Event arrived(JsonNode sent) {
        ConsumerRecord<byte[], byte[]> record = recordsById.get(sent.get("messageId").asText());
        assertThat(record).as("record for %s", sent.get("messageId")).isNotNull();
        return decode(record);
    }

    private static Event decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return EventJson.decode(record.value());
        } catch (IOException e) {
            throw new AssertionError("not a canonical event: " + new String(record.value(), StandardCharsets.UTF_8), e);
        }
    }
}
