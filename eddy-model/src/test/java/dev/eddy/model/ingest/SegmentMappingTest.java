package dev.eddy.model.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentMappingTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");
    private static final String KEY = "wk_test";

    private final SegmentMapping mapping = new SegmentMapping(Duration.ofMinutes(10));

    static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Event single(EventType type, String body) {
        List<MappedEvent> mapped = mapping.single(type, json(body), KEY, RECEIVED);
        assertThat(mapped).hasSize(1);
        assertThat(mapped.get(0).errors()).isEmpty();
        assertThat(mapped.get(0).index()).isZero();
        return mapped.get(0).event();
    }

    private List<FieldError> singleErrors(EventType type, String body) {
        List<MappedEvent> mapped = mapping.single(type, json(body), KEY, RECEIVED);
        assertThat(mapped).hasSize(1);
        assertThat(mapped.get(0).event()).isNull();
        return mapped.get(0).errors();
    }

    @Test
    void track_keepsSegmentFieldsAndMovesUnknownFieldsToContextExtra() {
        List<MappedEvent> mapped = mapping.single(EventType.TRACK, json("""
                {"messageId":"m-1","userId":"u-1","anonymousId":"a-1","event":"Order Completed",
                 "properties":{"revenue":12.5,"items":[1,2]},
                 "context":{"ip":"10.0.0.1","library":{"name":"analytics.js"}},
                 "timestamp":"2024-05-01T11:58:00.000Z",
                 "integrations":{"All":false},"channel":"browser","writeKey":"wk_body","type":"identify"}
                """), KEY, RECEIVED);

        Event event = mapped.get(0).event();
        assertThat(event.messageId()).isEqualTo("m-1");
        assertThat(event.type()).isEqualTo(EventType.TRACK);
        assertThat(event.event()).isEqualTo("Order Completed");
        assertThat(event.userId()).isEqualTo("u-1");
        assertThat(event.anonymousId()).isEqualTo("a-1");
        assertThat(event.source()).isNull();
        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:58:00Z"));
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("2024-05-01T11:58:00Z"));
        assertThat(event.sentAt()).isNull();
        assertThat(event.receivedAt()).isEqualTo(RECEIVED);
        assertThat(event.properties()).isEqualTo(json("{\"revenue\":12.5,\"items\":[1,2]}"));
        assertThat(event.context()).isEqualTo(json("""
                {"ip":"10.0.0.1","library":{"name":"analytics.js"},
                 "eddy":{"extra":{"integrations":{"All":false},"channel":"browser"}}}
                """));
        assertThat(event.traits()).isEmpty();
        assertThat(mapped.get(0).raw().has("writeKey")).isFalse();
        assertThat(mapped.get(0).raw().get("event").textValue()).isEqualTo("Order Completed");
    }

    @Test
    void page_keepsNameAndCopiesCategoryIntoProperties() {
        Event event = single(EventType.PAGE, """
                {"anonymousId":"a-1","name":"Pricing","category":"Docs","properties":{"path":"/pricing"}}
                """);

        assertThat(event.type()).isEqualTo(EventType.PAGE);
        assertThat(event.name()).isEqualTo("Pricing");
        assertThat(event.properties()).isEqualTo(json("{\"path\":\"/pricing\",\"category\":\"Docs\"}"));
        assertThat(event.context()).isEqualTo(json("{\"eddy\":{\"extra\":{\"category\":\"Docs\"}}}"));
        assertThat(event.userKey()).isEqualTo("a:a-1");
        assertThat(event.partitionKey()).isEqualTo("a-1");
    }

    @Test
    void page_keepsPropertiesCategoryWhenBothAreSent() {
        Event event = single(EventType.PAGE, """
                {"userId":"u-1","category":"Top","properties":{"category":"Own"}}
                """);

        assertThat(event.properties().get("category").textValue()).isEqualTo("Own");
    }

    @Test
    void screen_keepsName() {
        Event event = single(EventType.SCREEN, "{\"userId\":\"u-1\",\"name\":\"Home\"}");

        assertThat(event.type()).isEqualTo(EventType.SCREEN);
        assertThat(event.name()).isEqualTo("Home");
    }

    @Test
    void identify_keepsTraitsAndContextTraitsAsSent() {
        Event event = single(EventType.IDENTIFY, """
                {"userId":42,"traits":{"email":"a@b.c","plan":"pro"},"context":{"traits":{"email":"a@b.c"}}}
                """);

        assertThat(event.type()).isEqualTo(EventType.IDENTIFY);
        assertThat(event.userId()).isEqualTo("42");
        assertThat(event.traits()).isEqualTo(json("{\"email\":\"a@b.c\",\"plan\":\"pro\"}"));
        assertThat(event.context()).isEqualTo(json("{\"traits\":{\"email\":\"a@b.c\"}}"));
    }

    @Test
    void group_keepsGroupIdAndTraits() {
        Event event = single(EventType.GROUP, """
                {"userId":"u-1","groupId":"g-1","traits":{"name":"Acme"}}
                """);

        assertThat(event.type()).isEqualTo(EventType.GROUP);
        assertThat(event.groupId()).isEqualTo("g-1");
        assertThat(event.traits()).isEqualTo(json("{\"name\":\"Acme\"}"));
    }

    @Test
    void alias_keepsPreviousId() {
        Event event = single(EventType.ALIAS, "{\"userId\":\"u-1\",\"previousId\":\"a-1\"}");

        assertThat(event.type()).isEqualTo(EventType.ALIAS);
        assertThat(event.previousId()).isEqualTo("a-1");
        assertThat(event.userId()).isEqualTo("u-1");
    }

    @Test
    void batch_appliesBatchSentAtAndMergesBatchContextUnderMessageContext() {
        List<MappedEvent> mapped = mapping.batch(json("""
                {"writeKey":"wk_body","sentAt":"2024-05-01T10:00:30Z",
                 "context":{"library":{"name":"analytics-python"},"ip":"10.0.0.1"},
                 "batch":[
                   {"type":"track","userId":"u-1","event":"Signed Up","timestamp":"2024-05-01T10:00:00Z",
                    "context":{"ip":"10.0.0.2"}},
                   {"type":"identify","userId":"u-1","traits":{"plan":"pro"},"timestamp":"2024-05-01T10:00:10Z",
                    "sentAt":"2024-05-01T10:00:20Z"}
                 ]}
                """), KEY, RECEIVED);

        assertThat(mapped).extracting(MappedEvent::index).containsExactly(0, 1);
        Event first = mapped.get(0).event();
        assertThat(first.type()).isEqualTo(EventType.TRACK);
        assertThat(first.sentAt()).isEqualTo(Instant.parse("2024-05-01T10:00:30Z"));
        assertThat(first.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:30Z"));
        assertThat(first.context()).isEqualTo(json("{\"library\":{\"name\":\"analytics-python\"},\"ip\":\"10.0.0.2\"}"));
        Event second = mapped.get(1).event();
        assertThat(second.type()).isEqualTo(EventType.IDENTIFY);
        assertThat(second.sentAt()).isEqualTo(Instant.parse("2024-05-01T10:00:20Z"));
        assertThat(second.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:50Z"));
        assertThat(second.context()).isEqualTo(json("{\"library\":{\"name\":\"analytics-python\"},\"ip\":\"10.0.0.1\"}"));
        assertThat(mapped.get(0).raw()).isEqualTo(json("""
                {"type":"track","userId":"u-1","event":"Signed Up","timestamp":"2024-05-01T10:00:00Z",
                 "context":{"ip":"10.0.0.2"}}
                """));
    }

    @Test
    void batch_mapsValidMessagesAndReportsInvalidOnesByIndex() {
        List<MappedEvent> mapped = mapping.batch(json("""
                {"batch":[{"type":"track","userId":"u-1","event":"A"}, {"type":"click","userId":"u-1"}, 7,
                          {"userId":"u-1"}]}
                """), KEY, RECEIVED);

        assertThat(mapped).extracting(MappedEvent::isValid).containsExactly(true, false, false, false);
        assertThat(mapped.get(1).errors()).containsExactly(new FieldError(1, "type",
                "type must be one of track, page, screen, identify, group, alias, got \"click\""));
        assertThat(mapped.get(2).errors()).containsExactly(new FieldError(2, "", "message must be a JSON object"));
        assertThat(mapped.get(2).raw()).isEqualTo(json("7"));
        assertThat(mapped.get(3).errors()).containsExactly(new FieldError(3, "type", "type is required"));
    }

    @Test
    void batch_emptyArrayMapsToNothing() {
        assertThat(mapping.batch(json("{\"batch\":[]}"), KEY, RECEIVED)).isEmpty();
    }

    @Test
    void requestLevelErrors_haveIndexMinusOne() {
        assertThat(mapping.batch(json("[1]"), KEY, RECEIVED).get(0).errors())
                .containsExactly(new FieldError(-1, "", "body must be a JSON object"));
        assertThat(mapping.single(EventType.TRACK, json("\"x\""), KEY, RECEIVED).get(0).errors())
                .containsExactly(new FieldError(-1, "", "body must be a JSON object"));
        assertThat(mapping.batch(json("{}"), KEY, RECEIVED).get(0).errors())
                .containsExactly(new FieldError(-1, "batch", "batch is required"));
        List<MappedEvent> mapped = mapping.batch(json("""
                {"batch":{"type":"track"},"sentAt":"yesterday","context":[],"writeKey":"secret"}
                """), KEY, RECEIVED);
        assertThat(mapped).hasSize(1);
        assertThat(mapped.get(0).index()).isEqualTo(-1);
        assertThat(mapped.get(0).errors()).containsExactly(
                new FieldError(-1, "batch", "batch must be an array"),
                new FieldError(-1, "sentAt",
                        "sentAt must be an ISO-8601 date-time with offset such as 2024-05-01T12:00:00.000Z, got \"yesterday\""),
                new FieldError(-1, "context", "context must be a JSON object"));
        assertThat(mapped.get(0).raw().has("writeKey")).isFalse();
    }

    @Test
    void userIdOrAnonymousIdIsRequired() {
        assertThat(singleErrors(EventType.TRACK, "{\"event\":\"A\",\"userId\":\"\"}"))
                .containsExactly(new FieldError(0, "userId", "userId or anonymousId is required"));
        assertThat(singleErrors(EventType.TRACK, "{\"event\":\"A\",\"userId\":{\"id\":1}}"))
                .containsExactly(new FieldError(0, "userId", "userId must be a string"));
    }

    @Test
    void trackEventIsRequiredAndANameTheViewsCanHold() {
        assertThat(singleErrors(EventType.TRACK, "{\"userId\":\"u\"}"))
                .containsExactly(new FieldError(0, "event", "event is required for track"));
        assertThat(single(EventType.TRACK, "{\"userId\":\"u\",\"event\":\"" + "é".repeat(200) + "\"}").event())
                .hasSize(200);
        assertThat(singleErrors(EventType.TRACK, "{\"userId\":\"u\",\"event\":\"" + "x".repeat(201) + "\"}"))
                .containsExactly(new FieldError(0, "event", "event must be at most 200 characters (UTF-16 units: most emoji count two), got 201"));
        // the views' column holds 200 UTF-16 units on H2: 101 emoji would be cut there
        assertThat(singleErrors(EventType.TRACK, "{\"userId\":\"u\",\"event\":\"" + "\uD83D\uDE00".repeat(101) + "\"}"))
                .containsExactly(new FieldError(0, "event", "event must be at most 200 characters (UTF-16 units: most emoji count two), got 202"));
        // PostgreSQL's text cannot store NUL: one such name would stop the views' sink
        assertThat(singleErrors(EventType.TRACK, "{\"userId\":\"u\",\"event\":\"a\\u0000b\"}"))
                .containsExactly(new FieldError(0, "event",
                        "event must not contain the NUL character (U+0000), which PostgreSQL cannot store"));
        assertThat(singleErrors(EventType.TRACK, "{\"userId\":\"u\",\"event\":5}"))
                .containsExactly(new FieldError(0, "event", "event must be a string"));
    }

    @Test
    void groupIdAndPreviousIdAreRequired() {
        assertThat(singleErrors(EventType.GROUP, "{\"userId\":\"u\"}"))
                .containsExactly(new FieldError(0, "groupId", "groupId is required for group"));
        assertThat(singleErrors(EventType.ALIAS, "{\"userId\":\"u\",\"previousId\":null}"))
                .containsExactly(new FieldError(0, "previousId", "previousId is required for alias"));
    }

    @Test
    void timestampsMustBeIsoDateTimesWithOffset() {
        assertThat(single(EventType.PAGE, "{\"userId\":\"u\",\"timestamp\":\"2024-05-01T13:58:00+02:00\"}").timestamp())
                .isEqualTo(Instant.parse("2024-05-01T11:58:00Z"));
        assertThat(singleErrors(EventType.PAGE, """
                {"userId":"u","timestamp":"2024-05-01 11:58","originalTimestamp":1714564680,
                 "sentAt":"2024-05-01T11:58:00"}
                """)).containsExactly(
                new FieldError(0, "timestamp",
                        "timestamp must be an ISO-8601 date-time with offset such as 2024-05-01T12:00:00.000Z, got \"2024-05-01 11:58\""),
                new FieldError(0, "originalTimestamp",
                        "originalTimestamp must be an ISO-8601 date-time with offset such as 2024-05-01T12:00:00.000Z, got 1714564680"),
                new FieldError(0, "sentAt",
                        "sentAt must be an ISO-8601 date-time with offset such as 2024-05-01T12:00:00.000Z, got \"2024-05-01T11:58:00\""));
    }

    @Test
    void propertiesContextAndTraitsMustBeObjects() {
        assertThat(singleErrors(EventType.IDENTIFY, """
                {"userId":"u","properties":[1],"context":"web","traits":3}
                """)).containsExactly(
                new FieldError(0, "properties", "properties must be a JSON object"),
                new FieldError(0, "context", "context must be a JSON object"),
                new FieldError(0, "traits", "traits must be a JSON object"));
    }

    @Test
    void messageLargerThan32KiBIsRejectedWithItsSize() {
        String padding = "x".repeat(IngestLimits.MAX_EVENT_BYTES);
        String body = "{\"userId\":\"u\",\"event\":\"A\",\"properties\":{\"p\":\"" + padding + "\"}}";

        assertThat(singleErrors(EventType.TRACK, body)).containsExactly(new FieldError(0, "",
                "message is " + body.length() + " bytes, the limit is 32768 bytes"));
    }

    @Test
    void everyErrorOfAMessageIsReported() {
        List<MappedEvent> mapped = mapping.batch(json("""
                {"batch":[{"type":"track","properties":"p","timestamp":"now"}]}
                """), KEY, RECEIVED);

        assertThat(mapped.get(0).errors()).containsExactly(
                new FieldError(0, "userId", "userId or anonymousId is required"),
                new FieldError(0, "event", "event is required for track"),
                new FieldError(0, "timestamp",
                        "timestamp must be an ISO-8601 date-time with offset such as 2024-05-01T12:00:00.000Z, got \"now\""),
                new FieldError(0, "properties", "properties must be a JSON object"));
    }

    @Test
    void skewCorrection_usesTheGapBetweenEventAndSendOnTheClientsClock() {
        // the device clock is 2 h behind: its event happened 45 s before it sent the request
        Event event = single(EventType.TRACK, """
                {"userId":"u","event":"A","timestamp":"2024-05-01T10:00:15Z","sentAt":"2024-05-01T10:01:00Z"}
                """);

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:15Z"));
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:15Z"));
        assertThat(event.sentAt()).isEqualTo(Instant.parse("2024-05-01T10:01:00Z"));
        assertThat(event.context()).isEmpty();
    }

    @Test
    void skewCorrection_prefersOriginalTimestampOverTimestamp() {
        Event event = single(EventType.TRACK, """
                {"userId":"u","event":"A","timestamp":"2024-05-01T09:00:00Z",
                 "originalTimestamp":"2024-05-01T10:00:50Z","sentAt":"2024-05-01T10:01:00Z"}
                """);

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:50Z"));
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:50Z"));
    }

    @Test
    void withoutAnyTimestamp_eventTimeIsReceivedAt() {
        Event event = single(EventType.TRACK, "{\"userId\":\"u\",\"event\":\"A\",\"sentAt\":\"2024-05-01T10:01:00Z\"}");

        assertThat(event.timestamp()).isEqualTo(RECEIVED);
        assertThat(event.originalTimestamp()).isNull();
    }

    @Test
    void futureTimestampBeyondMaxSkew_isClampedToReceivedAtAndFlagged() {
        Event atLimit = single(EventType.TRACK, "{\"userId\":\"u\",\"event\":\"A\",\"timestamp\":\"2024-05-01T12:10:00Z\"}");
        assertThat(atLimit.timestamp()).isEqualTo(Instant.parse("2024-05-01T12:10:00Z"));
        assertThat(atLimit.context()).isEmpty();

        Event beyond = single(EventType.TRACK, """
                {"userId":"u","event":"A","timestamp":"2024-05-01T12:10:00.001Z","context":{"eddy":{"note":"kept"}}}
                """);
        assertThat(beyond.timestamp()).isEqualTo(RECEIVED);
        assertThat(beyond.originalTimestamp()).isEqualTo(Instant.parse("2024-05-01T12:10:00.001Z"));
        assertThat(beyond.context()).isEqualTo(json("""
                {"eddy":{"note":"kept","clamped":true,"clientTimestamp":"2024-05-01T12:10:00.001Z"}}
                """));
    }

    @Test
    void timeBefore1970_isClampedToo() {
        Event ancient = single(EventType.TRACK, "{\"userId\":\"u\",\"event\":\"A\",\"timestamp\":\"1969-12-31T23:59:59Z\"}");
        // a sentAt that contradicts the timestamp by 9,998 years: the correction lands in year 2
        Event corrected = single(EventType.TRACK, """
                {"userId":"u","event":"A","timestamp":"0001-01-01T00:00:00Z","sentAt":"9999-12-31T23:59:59Z"}
                """);

        assertThat(ancient.timestamp()).isEqualTo(RECEIVED);
        assertThat(ancient.context().path("eddy").path("clientTimestamp").textValue()).isEqualTo("1969-12-31T23:59:59Z");
        assertThat(corrected.timestamp()).isEqualTo(RECEIVED);
        assertThat(corrected.context().path("eddy").path("clamped").booleanValue()).isTrue();
    }

    @Test
    void yearsBeyondFourDigitsAreNoDateTime() {
        // Java's ISO parser takes them; their skew correction would leave Instant's range
        assertThat(singleErrors(EventType.TRACK, """
                {"userId":"u","event":"A","timestamp":"+999999999-12-31T23:59:59Z","sentAt":"-999999999-01-01T00:00:00Z"}
                """)).extracting(FieldError::field).containsExactly("timestamp", "sentAt");
    }

    @Test
    void skewCorrectedTimeInTheFuture_isClampedToo() {
        // sent 20 min before the event happened, by the device's own clock
        Event event = single(EventType.TRACK, """
                {"userId":"u","event":"A","timestamp":"2024-05-01T12:20:00Z","sentAt":"2024-05-01T12:00:00Z"}
                """);

        assertThat(event.timestamp()).isEqualTo(RECEIVED);
        assertThat(event.context().path("eddy").path("clamped").booleanValue()).isTrue();
    }

    @Test
    void clientMessageIdIsKept_andAMissingOneIsDerivedDeterministically() {
        String body = "{\"userId\":\"u\",\"event\":\"A\",\"timestamp\":\"2024-05-01T11:00:00Z\",\"sentAt\":\"%s\"}";
        String id = mapping.single(EventType.TRACK, json(body.formatted("2024-05-01T11:00:01Z")), KEY, RECEIVED)
                .get(0).event().messageId();
        String retried = mapping.single(EventType.TRACK, json(body.formatted("2024-05-01T11:00:09Z")), KEY,
                RECEIVED.plusSeconds(60)).get(0).event().messageId();
        String otherKey = mapping.single(EventType.TRACK, json(body.formatted("2024-05-01T11:00:01Z")), "wk_other",
                RECEIVED).get(0).event().messageId();
        String otherEvent = mapping.single(EventType.TRACK,
                json(body.replace("\"A\"", "\"B\"").formatted("2024-05-01T11:00:01Z")), KEY, RECEIVED)
                .get(0).event().messageId();

        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(retried).isEqualTo(id);
        assertThat(otherKey).isNotEqualTo(id);
        assertThat(otherEvent).isNotEqualTo(id);
        assertThat(single(EventType.TRACK, "{\"messageId\":\"m-7\",\"userId\":\"u\",\"event\":\"A\"}").messageId())
                .isEqualTo("m-7");
    }

    @Test
    void derivedMessageIdIsTheHashOfWriteKeyAndMessage() {
        assertThat(MessageIds.derive("k", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo(MessageIds.derive("k", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isNotEqualTo(MessageIds.derive("k2", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isNotEqualTo(MessageIds.derive("", "k{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void writeKeyOf_readsTheBodyWriteKey() {
        assertThat(SegmentMapping.writeKeyOf(json("{\"writeKey\":\"wk_1\",\"batch\":[]}"))).isEqualTo("wk_1");
        assertThat(SegmentMapping.writeKeyOf(json("{\"writeKey\":\"\"}"))).isNull();
        assertThat(SegmentMapping.writeKeyOf(json("{\"writeKey\":1}"))).isNull();
        assertThat(SegmentMapping.writeKeyOf(json("[]"))).isNull();
        assertThat(SegmentMapping.writeKeyOf(null)).isNull();
    }

    @Test
    void mappedEventIsolatesItsJsonFromTheRequest() {
        ObjectNode body = (ObjectNode) json("{\"userId\":\"u\",\"event\":\"A\",\"properties\":{\"a\":1}}");
        Event event = mapping.single(EventType.TRACK, body, KEY, RECEIVED).get(0).event();

        ((ObjectNode) body.get("properties")).put("a", 2);

        assertThat(event.properties().get("a").intValue()).isEqualTo(1);
    }

    @Test
    void eventRoundTripsThroughEventJson() throws IOException {
        Event event = mapping.batch(json("""
                {"sentAt":"2024-05-01T10:00:30Z","batch":[
                  {"type":"group","messageId":"m-1","userId":"u-1","groupId":"g-1","traits":{"n":1},
                   "timestamp":"2024-05-01T10:00:00.123Z","context":{"ip":"1.2.3.4"},"integrations":{"All":true}}]}
                """), KEY, RECEIVED).get(0).event();

        Event decoded = EventJson.decode(EventJson.encode(event));

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.timestamp()).isEqualTo(Instant.parse("2024-05-01T11:59:30.123Z"));
    }
}
