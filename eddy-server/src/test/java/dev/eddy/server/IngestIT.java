package dev.eddy.server;

import static dev.eddy.server.RunningServer.basic;
import static dev.eddy.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.testing.TopicReader;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.Topics;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest over HTTP against the real embedded broker: what a client posts is what lands on
 * eddy.events (fields, key, headers); bad input is answered by index and field and kept on
 * eddy.events.invalid. One broker and one server for the class; each test uses its own topics'
 * offsets by reading everything and filtering on its own ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestIT {
    static final String KEY = RunningServer.WRITE_KEY;
    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    @TempDir
    static Path dir;
    RunningServer eddy;
    EmbeddedKafka broker;

    @BeforeAll
    void start() {
        eddy = new RunningServer(dir, Clock.fixed(NOW, ZoneOffset.UTC));
        broker = eddy.broker;
    }

    @AfterAll
    void stop() {
        eddy.close();
    }

    @Test
    void batchLandsOnTheBusAsPosted() throws Exception {
        HttpResponse<String> response = eddy.post("/v1/batch", "application/json", basic(KEY), """
                {"batch":[
                  {"type":"track","messageId":"b1-m1","userId":"alice","event":"Order Completed",
                   "timestamp":"2026-11-27T09:59:00Z","properties":{"total":42}},
                  {"type":"page","messageId":"b1-m2","anonymousId":"anon-7","name":"Home",
                   "timestamp":"2026-11-27T09:59:30Z"}
                ],"context":{"library":{"name":"test"}}}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("{\"success\":true}"));
        Map<String, ConsumerRecord<byte[], byte[]>> byId = eventsById(Topics.EVENTS, "b1-", 2);
        ConsumerRecord<byte[], byte[]> track = byId.get("b1-m1");
        Event e = EventJson.decode(track.value());
        assertThat(new String(track.key(), StandardCharsets.UTF_8)).isEqualTo("alice");
        assertThat(e.type()).isEqualTo(EventType.TRACK);
        assertThat(e.event()).isEqualTo("Order Completed");
        assertThat(e.userId()).isEqualTo("alice");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-27T09:59:00Z"));
        assertThat(e.receivedAt()).isEqualTo(NOW);
        assertThat(e.properties()).isEqualTo(json("{\"total\":42}"));
        assertThat(e.context().path("library").path("name").asText()).isEqualTo("test");
        assertThat(headers(track)).containsEntry("ce_specversion", "1.0").containsEntry("ce_id", "b1-m1")
                .containsEntry("ce_type", "Order Completed").containsEntry("ce_source", "eddy:segment")
                .containsEntry("ce_time", "2026-11-27T09:59:00Z");
        assertThat(String.join(" ", headers(track).values())).doesNotContain(KEY);

        ConsumerRecord<byte[], byte[]> page = byId.get("b1-m2");
        assertThat(new String(page.key(), StandardCharsets.UTF_8)).isEqualTo("anon-7");
        Event p = EventJson.decode(page.value());
        assertThat(p.type()).isEqualTo(EventType.PAGE);
        assertThat(p.name()).isEqualTo("Home");
        assertThat(p.anonymousId()).isEqualTo("anon-7");
    }

    @Test
    void badEventsAreNamedAndKeptWhileGoodOnesAreAccepted() throws Exception {
        HttpResponse<String> response = eddy.post("/v1/batch", "application/json", basic(KEY), """
                {"batch":[
                  {"type":"track","messageId":"b2-ok","userId":"bob","event":"Signed Up"},
                  {"type":"track","messageId":"b2-nouser","event":"Signed Up"},
                  {"type":"track","messageId":"b2-noevent","userId":"bob"}
                ]}""");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response.body());
        assertThat(body.path("success").asBoolean()).isFalse();
        assertThat(body.path("accepted").asInt()).isEqualTo(1);
        assertThat(body.path("errors")).hasSize(2);
        assertThat(body.path("errors").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("userId");
        assertThat(body.path("errors").get(1).path("index").asInt()).isEqualTo(2);
        assertThat(body.path("errors").get(1).path("field").asText()).isEqualTo("event");

        assertThat(eventsById(Topics.EVENTS, "b2-", 1)).containsOnlyKeys("b2-ok");
        List<JsonNode> invalid = TopicReader.readAll(broker.bootstrapServers(), Topics.INVALID, countInvalid()).stream()
                .map(r -> json(new String(r.value(), StandardCharsets.UTF_8)))
                .filter(j -> j.path("raw").path("messageId").asText().startsWith("b2-"))
                .toList();
        assertThat(invalid).extracting(j -> j.path("raw").path("messageId").asText())
                .containsExactlyInAnyOrder("b2-nouser", "b2-noevent");
        JsonNode noUser = invalid.stream().filter(j -> j.path("raw").path("messageId").asText().equals("b2-nouser")).findFirst().orElseThrow();
        assertThat(noUser.path("errors").get(0).path("field").asText()).isEqualTo("userId");
        assertThat(noUser.path("reason").asText()).isNotBlank();
        assertThat(noUser.path("receivedAt").asText()).isEqualTo("2026-11-27T10:00:00Z");
    }

    @Test
    void gzipAndTextPlainBodiesAndBodyWriteKeyAreAccepted() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(("{\"writeKey\":\"" + KEY + "\",\"messageId\":\"b3-m1\",\"userId\":\"carol\",\"event\":\"Clicked\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/t"))
                .header("Content-Type", "text/plain").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build());

        assertThat(response.statusCode()).isEqualTo(200);
        Event e = EventJson.decode(eventsById(Topics.EVENTS, "b3-", 1).get("b3-m1").value());
        assertThat(e.event()).isEqualTo("Clicked");
        assertThat(e.userId()).isEqualTo("carol");
    }

    @Test
    void missingOrUnknownKeyIs401() throws Exception {
        String body = "{\"userId\":\"u\",\"event\":\"E\"}";
        HttpResponse<String> missing = eddy.post("/v1/track", "application/json", null, body);
        HttpResponse<String> unknown = eddy.post("/v1/track", "application/json", basic("nope"), body);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing.body()).path("errors").get(0).path("field").asText()).isEqualTo("writeKey");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json(unknown.body()).path("errors").get(0).path("message").asText()).isEqualTo("unknown write key");
    }

    @Test
    void nonJsonContentTypeIs415() throws Exception {
        HttpResponse<String> response = eddy.post("/v1/track", "application/x-www-form-urlencoded", basic(KEY), "userId=u");
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response.body()).path("errors").get(0).path("field").asText()).isEqualTo("Content-Type");
    }

    @Test
    void requestOver500KbIs413() throws Exception {
        String big = "{\"batch\":[{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"pad\":\"" + "x".repeat(520_000) + "\"}}]}";
        HttpResponse<String> response = eddy.post("/v1/batch", "application/json", basic(KEY), big);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response.body()).path("success").asBoolean()).isFalse();
    }

    @Test
    void aBodyThatIsNotGzipOrInAnotherEncodingIsNamedNotA500() throws Exception {
        HttpResponse<String> notGzip = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/track"))
                .header("Authorization", basic(KEY)).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u\",\"event\":\"E\"}")).build());
        HttpResponse<String> brotli = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/track"))
                .header("Authorization", basic(KEY)).header("Content-Type", "application/json")
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(json(notGzip.body()).path("errors").get(0).path("field").asText()).isEqualTo("Content-Encoding");
        assertThat(json(notGzip.body()).path("errors").get(0).path("message").asText())
                .isEqualTo("body is not valid gzip: Not in GZIP format");
        assertThat(brotli.statusCode()).isEqualTo(415);
        assertThat(json(brotli.body()).path("errors").get(0).path("message").asText())
                .isEqualTo("unsupported Content-Encoding 'br': send gzip or no encoding");
    }

    @Test
    void aLargeBinaryBodyIsKeptWholeAsBase64() throws Exception {
        // 400 KB of control bytes: six times longer as JSON text than Kafka's 1 MB record limit allows
        byte[] body = new byte[400 * 1024];
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i % 32);
        String base64 = java.util.Base64.getEncoder().encodeToString(body);

        HttpResponse<String> response = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/track"))
                .header("Authorization", basic(KEY)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("errors").get(0).path("message").asText()).startsWith("body is not valid JSON");
        List<JsonNode> kept = TopicReader.readAll(broker.bootstrapServers(), Topics.INVALID, countInvalid()).stream()
                .map(r -> json(new String(r.value(), StandardCharsets.UTF_8)))
                .filter(j -> base64.equals(j.path("raw").path("bodyBase64").asText()))
                .toList();
        assertThat(kept).hasSize(1);
    }

    @Test
    void aBinaryCloudEventWithoutSpecversionIsToldSo() throws Exception {
        HttpResponse<String> response = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/events"))
                .header("Authorization", basic(KEY)).header("Content-Type", "application/json")
                .header("ce-id", "b6-ce1").header("ce-source", "/shop").header("ce-type", "order.placed")
                .POST(HttpRequest.BodyPublishers.ofString("{\"total\":7}")).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("errors").get(0).path("field").asText()).isEqualTo("specversion");
        assertThat(json(response.body()).path("errors").get(0).path("message").asText()).isEqualTo("specversion is required");
        List<JsonNode> kept = TopicReader.readAll(broker.bootstrapServers(), Topics.INVALID, countInvalid()).stream()
                .map(r -> json(new String(r.value(), StandardCharsets.UTF_8)))
                .filter(j -> j.path("raw").path("headers").path("ce-id").asText().equals("b6-ce1"))
                .toList();
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).path("raw").path("body")).isEqualTo(json("{\"total\":7}"));
    }

    @Test
    void cloudEventInStructuredModeIsATrackEventOfItsSubject() throws Exception {
        HttpResponse<String> response = eddy.post("/v1/events", "application/cloudevents+json", basic(KEY), """
                {"specversion":"1.0","id":"b4-ce1","source":"/shop","type":"order.placed","subject":"dave",
                 "time":"2026-11-27T09:58:00Z","data":{"total":7}}""");
        assertThat(response.statusCode()).isEqualTo(200);
        ConsumerRecord<byte[], byte[]> record = eventsById(Topics.EVENTS, "b4-", 1).get("b4-ce1");
        Event e = EventJson.decode(record.value());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("dave");
        assertThat(e.event()).isEqualTo("order.placed");
        assertThat(e.source()).isEqualTo("/shop");
        assertThat(e.properties()).isEqualTo(json("{\"total\":7}"));
        assertThat(headers(record)).containsEntry("ce_source", "/shop");
    }

    @Test
    void browsersGetCorsHeaders() throws Exception {
        HttpResponse<String> preflight = eddy.send(HttpRequest.newBuilder(eddy.uri("/v1/batch"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type").build());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization").contains("content-type");
    }

    @Test
    void metricsCountAcceptedEvents() throws Exception {
        eddy.post("/v1/track", "application/json", basic(KEY), "{\"messageId\":\"b5-m1\",\"userId\":\"u\",\"event\":\"E\"}");
        HttpResponse<String> metrics = eddy.get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("eddy_ingest_events_accepted_total", "eddy_ingest_requests_total{route=\"track\",status=\"200\"}");
    }

    private int countInvalid() {
        return (int) TopicReader.endOffsetSum(broker.bootstrapServers(), Topics.INVALID);
    }

    private Map<String, ConsumerRecord<byte[], byte[]>> eventsById(String topic, String idPrefix, int expected) {
        int total = (int) TopicReader.endOffsetSum(broker.bootstrapServers(), topic);
        Map<String, ConsumerRecord<byte[], byte[]>> out = new java.util.TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(broker.bootstrapServers(), topic, total)) {
            String id = headers(r).get("ce_id");
            if (id != null && id.startsWith(idPrefix)) out.put(id, r);
        }
        assertThat(out).hasSize(expected);
        return out;
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Header h : r.headers()) out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        return out;
    }




}
