package dev.eddy.model.ingest;

import static dev.eddy.model.ingest.SegmentMappingTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CloudEventsMappingTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");

    private final CloudEventsMapping mapping = new CloudEventsMapping(Duration.ofMinutes(10));

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Event structured(String body) {
        List<MappedEvent> mapped = mapping.structured(bytes(body), RECEIVED);
        assertThat(mapped).hasSize(1);
        assertThat(mapped.get(0).errors()).isEmpty();
        return mapped.get(0).event();
    }

    private List<FieldError> structuredErrors(String body) {
        List<MappedEvent> mapped = mapping.structured(bytes(body), RECEIVED);
        assertThat(mapped).hasSize(1);
        assertThat(mapped.get(0).event()).isNull();
        return mapped.get(0).errors();
    }

    @Test
    void structured_mapsAttributesDataAndExtensions() {
        Event event = structured("""
                {"specversion":"1.0","id":"e-1","source":"https://shop.example/orders","type":"order.placed",
                 "subject":"u-1","time":"2024-05-01T13:59:00+02:00","datacontenttype":"application/json",
                 "dataschema":"https://shop.example/schema/order","traceparent":"00-abc-01","attempt":3,"replay":false,
                 "data":{"orderId":"o-9","total":42.5}}
                """);

        assertThat(event.messageId()).isEqualTo("e-1");
        assertThat(event.type()).isEqualTo(EventType.TRACK);
        assertThat(event.event()).isEqualTo("order.placed");
        assertThat(event.userId()).isEqualTo("u-1");
        assertThat(event.anonymousId()).isNull();
        assertThat(event.source()).isEqualTo("https://shop.example/orders");
        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:00Z"));
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:00Z"));
        assertThat(event.sentAt()).isNull();
        assertThat(event.receivedAt()).isEqualTo(RECEIVED);
        assertThat(event.properties()).isEqualTo(json("{\"orderId\":\"o-9\",\"total\":42.5}"));
        assertThat(event.context()).isEqualTo(json("""
                {"cloudevents":{"specversion":"1.0","datacontenttype":"application/json",
                 "dataschema":"https://shop.example/schema/order","traceparent":"00-abc-01","attempt":3,"replay":false}}
                """));
        assertThat(event.dedupKey()).isEqualTo("ce:https://shop.example/orders#e-1");
        assertThat(event.partitionKey()).isEqualTo("u-1");
        assertThat(event.userKey()).isEqualTo("u:u-1");
    }

    @Test
    void eventWithoutSubject_hasNoUserAndIsKeyedBySource() {
        Event event = structured("""
                {"specversion":"1.0","id":"e-1","source":"/sensors/7","type":"reading"}
                """);

        assertThat(event.userId()).isNull();
        assertThat(event.userKey()).isNull();
        assertThat(event.partitionKey()).isEqualTo("/sensors/7");
        assertThat(event.timestamp()).isEqualTo(RECEIVED);
        assertThat(event.originalTimestamp()).isNull();
        assertThat(event.properties()).isEmpty();
        assertThat(event.context()).isEqualTo(json("{\"cloudevents\":{\"specversion\":\"1.0\"}}"));
    }

    @Test
    void nonObjectDataGoesUnderPropertiesData() {
        String base = "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",";

        assertThat(structured(base + "\"data\":[1,2]}").properties()).isEqualTo(json("{\"data\":[1,2]}"));
        assertThat(structured(base + "\"data\":\"hi\"}").properties()).isEqualTo(json("{\"data\":\"hi\"}"));
        assertThat(structured(base + "\"datacontenttype\":\"text/plain\",\"data\":\"héllo\"}").properties())
                .isEqualTo(json("{\"data\":\"héllo\"}"));
        assertThat(structured(base + "\"datacontenttype\":\"application/json\",\"data_base64\":\"eyJhIjoxfQ==\"}")
                .properties()).isEqualTo(json("{\"a\":1}"));
        assertThat(structured(base + "\"datacontenttype\":\"application/octet-stream\",\"data_base64\":\"AAE=\"}")
                .properties()).isEqualTo(json("{\"data\":\"AAE=\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "source", "specversion", "type"})
    void eachRequiredAttributeMissing_isReportedOnItsField(String attribute) {
        var event = (com.fasterxml.jackson.databind.node.ObjectNode) json("""
                {"specversion":"1.0","id":"e-1","source":"/s","type":"t"}
                """);
        event.remove(attribute);

        assertThat(structuredErrors(event.toString()))
                .containsExactly(new FieldError(0, attribute, attribute + " is required"));
    }

    @Test
    void allMissingAndMalformedAttributesAreReportedTogether() {
        assertThat(structuredErrors("""
                {"id":"","source":"not a uri","specversion":"0.3","type":7,"time":"today","dataschema":"a b",
                 "subject":1,"Bad_Name":"x","obj":{"a":1}}
                """)).containsExactly(
                new FieldError(0, "id", "id must not be empty"),
                new FieldError(0, "source", "source must be a URI-reference, got \"not a uri\""),
                new FieldError(0, "specversion", "specversion must be \"1.0\", got \"0.3\""),
                new FieldError(0, "type", "type must be a string"),
                new FieldError(0, "subject", "subject must be a string"),
                new FieldError(0, "time",
                        "time must be an ISO-8601 date-time with offset such as 2024-05-01T12:00:00.000Z, got \"today\""),
                new FieldError(0, "dataschema", "dataschema must be a URI, got \"a b\""),
                new FieldError(0, "Bad_Name", "extension attribute names must be lower-case letters and digits, got \"Bad_Name\""),
                new FieldError(0, "obj", "obj must be a string, number or boolean"));
    }

    @Test
    void dataMustMatchItsContentType() {
        String base = "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",";

        assertThat(structuredErrors(base + "\"data\":{},\"data_base64\":\"AA==\"}"))
                .containsExactly(new FieldError(0, "data", "data and data_base64 must not both be present"));
        assertThat(structuredErrors(base + "\"data_base64\":\"*\"}"))
                .containsExactly(new FieldError(0, "data_base64", "data_base64 must be a base64 string"));
        assertThat(structuredErrors(base + "\"datacontenttype\":\"text/csv\",\"data\":{\"a\":1}}"))
                .containsExactly(new FieldError(0, "data", "data must be a string when datacontenttype text/csv is not JSON"));
        assertThat(structuredErrors(base + "\"data_base64\":\"e30x\"}"))
                .containsExactly(new FieldError(0, "data_base64",
                        "data_base64 is not valid JSON for datacontenttype application/json (default)"));
    }

    @Test
    void futureTimeIsClampedWithoutSkewCorrection() {
        Event event = structured("""
                {"specversion":"1.0","id":"e","source":"s","type":"t","time":"2024-05-01T12:30:00Z"}
                """);

        assertThat(event.timestamp()).isEqualTo(RECEIVED);
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("2024-05-01T12:30:00Z"));
        assertThat(event.context().get("eddy")).isEqualTo(json("""
                {"clamped":true,"clientTimestamp":"2024-05-01T12:30:00Z"}
                """));
    }

    @Test
    void structuredBodyThatIsNotAJsonObject_isARequestError() {
        List<MappedEvent> notJson = mapping.structured(bytes("{\"id\":"), RECEIVED);
        assertThat(notJson).hasSize(1);
        assertThat(notJson.get(0).index()).isEqualTo(-1);
        assertThat(notJson.get(0).errors().get(0).field()).isEmpty();
        assertThat(notJson.get(0).errors().get(0).message()).startsWith("body is not valid JSON: ");
        assertThat(notJson.get(0).raw().textValue()).isEqualTo("{\"id\":");

        assertThat(mapping.structured(bytes("[]"), RECEIVED).get(0).errors())
                .containsExactly(new FieldError(-1, "", "a structured CloudEvent must be a JSON object"));
        assertThat(mapping.structured(new byte[0], RECEIVED).get(0).errors())
                .containsExactly(new FieldError(-1, "", "a structured CloudEvent must be a JSON object"));
    }

    @Test
    void batch_mapsEachEventAndReportsErrorsByIndex() {
        List<MappedEvent> mapped = mapping.batch(bytes("""
                [{"specversion":"1.0","id":"e-1","source":"s","type":"a","subject":"u-1"},
                 {"specversion":"1.0","source":"s","type":"b"},
                 "x"]
                """), RECEIVED);

        assertThat(mapped).extracting(MappedEvent::index).containsExactly(0, 1, 2);
        assertThat(mapped.get(0).event().event()).isEqualTo("a");
        assertThat(mapped.get(0).event().userId()).isEqualTo("u-1");
        assertThat(mapped.get(1).errors()).containsExactly(new FieldError(1, "id", "id is required"));
        assertThat(mapped.get(2).errors()).containsExactly(new FieldError(2, "", "event must be a JSON object"));
        assertThat(mapping.batch(bytes("{}"), RECEIVED).get(0).errors())
                .containsExactly(new FieldError(-1, "", "a CloudEvents batch must be a JSON array"));
    }

    @Test
    void binary_readsAttributesFromHeadersAndDataFromBody() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", "e-1");
        headers.put("ce-source", "/shop");
        headers.put("ce-type", "cart.updated");
        headers.put("ce-subject", "u-1");
        headers.put("ce-time", "2024-05-01T11:00:00Z");
        headers.put("ce-region", "z%C3%BCrich");
        headers.put("content-type", "application/json; charset=utf-8");
        headers.put("user-agent", "curl/8");

        List<MappedEvent> mapped = mapping.binary(headers, bytes("{\"items\":2}"), RECEIVED);

        assertThat(mapped).hasSize(1);
        Event event = mapped.get(0).event();
        assertThat(event.messageId()).isEqualTo("e-1");
        assertThat(event.event()).isEqualTo("cart.updated");
        assertThat(event.userId()).isEqualTo("u-1");
        assertThat(event.source()).isEqualTo("/shop");
        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:00:00Z"));
        assertThat(event.properties()).isEqualTo(json("{\"items\":2}"));
        assertThat(event.context()).isEqualTo(json("""
                {"cloudevents":{"specversion":"1.0","datacontenttype":"application/json; charset=utf-8","region":"zürich"}}
                """));
        assertThat(mapped.get(0).raw()).isEqualTo(json("""
                {"headers":{"ce-id":"e-1","ce-region":"z%C3%BCrich","ce-source":"/shop","ce-specversion":"1.0",
                 "ce-subject":"u-1","ce-time":"2024-05-01T11:00:00Z","ce-type":"cart.updated",
                 "content-type":"application/json; charset=utf-8"},
                 "body":{"items":2}}
                """));
    }

    @Test
    void binary_reportsMissingAttributesAndBadData() {
        List<MappedEvent> mapped = mapping.binary(Map.of("ce-id", "e-1", "ce-type", "t",
                "content-type", "application/json"), bytes("{oops"), RECEIVED);

        assertThat(mapped.get(0).errors()).containsExactly(
                new FieldError(0, "data", "data is not valid JSON for datacontenttype application/json"),
                new FieldError(0, "source", "source is required"),
                new FieldError(0, "specversion", "specversion is required"));
        assertThat(mapped.get(0).raw()).isEqualTo(json("""
                {"headers":{"ce-id":"e-1","ce-type":"t","content-type":"application/json"},"bodyBase64":"e29vcHM="}
                """));
    }

    @Test
    void binary_textAndBinaryBodies() {
        Map<String, String> headers = new LinkedHashMap<>(Map.of(
                "ce-specversion", "1.0", "ce-id", "e", "ce-source", "s", "ce-type", "t"));
        headers.put("content-type", "text/plain");
        assertThat(mapping.binary(headers, bytes("hello"), RECEIVED).get(0).event().properties())
                .isEqualTo(json("{\"data\":\"hello\"}"));
        headers.put("content-type", "application/octet-stream");
        assertThat(mapping.binary(headers, new byte[] {0, 1}, RECEIVED).get(0).event().properties())
                .isEqualTo(json("{\"data\":\"AAE=\"}"));
        headers.remove("content-type");
        assertThat(mapping.binary(headers, new byte[0], RECEIVED).get(0).event().properties()).isEmpty();
    }

    @Test
    void typeIsBoundedAsASegmentEventName() {
        String event = "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"%s\"}";

        assertThat(structured(event.formatted("t".repeat(200))).event()).isEqualTo("t".repeat(200));
        assertThat(structuredErrors(event.formatted("t".repeat(201))))
                .containsExactly(new FieldError(0, "type", "type must be at most 200 characters (UTF-16 units: most emoji count two), got 201"));
        assertThat(structuredErrors(event.formatted("t\\u0000")))
                .containsExactly(new FieldError(0, "type",
                        "type must not contain the NUL character (U+0000), which PostgreSQL cannot store"));
    }

    @Test
    void binary_textBodyThatWouldNotFitAsTextIsKeptAsBase64() {
        Map<String, String> headers = Map.of("ce-specversion", "1.0", "ce-id", "e", "ce-source", "s", "ce-type", "t",
                "content-type", "text/plain");
        byte[] nuls = new byte[200_000];

        MappedEvent tooLarge = mapping.binary(headers, nuls, RECEIVED).get(0);

        assertThat(tooLarge.isValid()).isFalse();
        assertThat(tooLarge.raw().path("body").isMissingNode()).isTrue();
        assertThat(tooLarge.raw().path("bodyBase64").textValue()).isEqualTo(Base64.getEncoder().encodeToString(nuls));
    }

    @Test
    void eventsLargerThan32KiBAreRejected() {
        String body = "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"p\":\""
                + "x".repeat(IngestLimits.MAX_EVENT_BYTES) + "\"}}";

        assertThat(structuredErrors(body)).containsExactly(
                new FieldError(0, "", "message is " + body.length() + " bytes, the limit is 32768 bytes"));
        assertThat(mapping.batch(bytes("[" + body + "]"), RECEIVED).get(0).errors()).containsExactly(
                new FieldError(0, "", "message is " + body.length() + " bytes, the limit is 32768 bytes"));
        Map<String, String> headers = Map.of("ce-specversion", "1.0", "ce-id", "e", "ce-source", "s", "ce-type", "t",
                "content-type", "text/plain");
        int headerBytes = ("ce-specversion" + "1.0" + "ce-id" + "e" + "ce-source" + "s" + "ce-type" + "t"
                + "content-type" + "text/plain").length();
        assertThat(mapping.binary(headers, bytes("y".repeat(IngestLimits.MAX_EVENT_BYTES)), RECEIVED).get(0).errors())
                .containsExactly(new FieldError(0, "", "message is " + (IngestLimits.MAX_EVENT_BYTES + headerBytes)
                        + " bytes, the limit is 32768 bytes"));
    }

    @Test
    void map_picksTheModeFromContentType() {
        String event = "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\"}";

        assertThat(mapping.map(Map.of("content-type", "application/cloudevents+json; charset=UTF-8"), bytes(event),
                RECEIVED).get(0).event().messageId()).isEqualTo("e");
        assertThat(mapping.map(Map.of("content-type", "application/cloudevents-batch+json"),
                bytes("[" + event + "," + event + "]"), RECEIVED)).hasSize(2);
        assertThat(mapping.map(Map.of("content-type", "application/cloudevents+avro"), bytes("x"), RECEIVED)
                .get(0).errors()).containsExactly(new FieldError(-1, "content-type",
                "unsupported CloudEvents format application/cloudevents+avro, use application/cloudevents+json, "
                        + "application/cloudevents-batch+json or binary mode"));
        assertThat(mapping.map(Map.of("content-type", "application/json", "ce-specversion", "1.0", "ce-id", "b",
                "ce-source", "s", "ce-type", "t"), bytes("{}"), RECEIVED).get(0).event().messageId()).isEqualTo("b");
    }

    @Test
    void cloudEventRoundTripsThroughEventJson() throws IOException {
        Event event = structured("""
                {"specversion":"1.0","id":"e-1","source":"/s","type":"t","subject":"u","time":"2024-05-01T11:00:00.5Z",
                 "ext1":"v","data":{"a":[1,{"b":null}]}}
                """);

        assertThat(EventJson.decode(EventJson.encode(event))).isEqualTo(event);
    }
}
