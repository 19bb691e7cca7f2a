package dev.eddy.model.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.EventType;
import dev.eddy.model.InvalidRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestJsonTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void trailingContentAfterTheJsonValueIsRejected() {
        byte[] body = "{\"userId\":\"u\"} {\"userId\":\"v\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> IngestJson.read(body)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void notJson_isARequestLevelRejectionKeepingTheBodyAsText() {
        byte[] body = "{\"userId\":".getBytes(StandardCharsets.UTF_8);
        JsonProcessingException failure = null;
        try {
            IngestJson.read(body);
        } catch (JsonProcessingException e) {
            failure = e;
        }

        MappedEvent rejected = IngestJson.notJson(body, failure);

        assertThat(rejected.index()).isEqualTo(-1);
        assertThat(rejected.errors()).hasSize(1);
        assertThat(rejected.errors().get(0).field()).isEmpty();
        assertThat(rejected.errors().get(0).message()).isEqualTo("body is not valid JSON: " + failure.getOriginalMessage());
        assertThat(rejected.raw().textValue()).isEqualTo("{\"userId\":");
    }

    @Test
    void notJson_keepsTheBodyAsBase64WhenItIsNotUtf8OrItsTextWouldNotFitInAKafkaRecord() {
        // valid UTF-8, but JSON writes each NUL as \u0000: 3 MB as text, over Kafka's 1 MB
        byte[] nuls = new byte[500 * 1024];
        MappedEvent rejected = IngestJson.notJson(nuls, parseFailure(nuls));
        assertThat(rejected.raw().path("bodyBase64").textValue()).isEqualTo(Base64.getEncoder().encodeToString(nuls));
        assertThat(InvalidRecord.of(rejected, RECEIVED).encode().length).isLessThan(1_000_000);

        byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9};
        assertThat(IngestJson.notJson(latin1, parseFailure(latin1)).raw().path("bodyBase64").textValue())
                .isEqualTo("Y2Fm6Q==");

        byte[] text = "café \u0001 not json".getBytes(StandardCharsets.UTF_8);
        assertThat(IngestJson.notJson(text, parseFailure(text)).raw().textValue()).isEqualTo("café \u0001 not json");
    }

    private static JsonProcessingException parseFailure(byte[] body) {
        try {
            IngestJson.read(body);
        } catch (JsonProcessingException e) {
            return e;
        }
        throw new AssertionError("parsed: " + new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void emptyBodyIsRejectedAsNoObjectAndStillMakesAnInvalidRecord() throws JsonProcessingException {
        JsonNode empty = IngestJson.read(new byte[0]);

        List<MappedEvent> mapped = new SegmentMapping(Duration.ofMinutes(10)).single(EventType.TRACK, empty, "k", RECEIVED);

        assertThat(mapped.get(0).errors()).containsExactly(new FieldError(-1, "", "body must be a JSON object"));
        assertThat(new String(InvalidRecord.of(mapped.get(0), RECEIVED).encode(), StandardCharsets.UTF_8))
                .contains("\"raw\":null");
    }

    @Test
    void percentDecodingKeepsUnencodedTextAndMalformedEscapes() {
        assertThat(CloudEventsMapping.percentDecode("caf%C3%A9 ok")).isEqualTo("café ok");
        assertThat(CloudEventsMapping.percentDecode("100%")).isEqualTo("100%");
        assertThat(CloudEventsMapping.percentDecode("%zz€")).isEqualTo("%zz€");
    }
}
