package dev.eddy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.model.ingest.FieldError;
import dev.eddy.model.ingest.MappedEvent;
import dev.eddy.model.ingest.SegmentMapping;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidRecordTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void encodesReasonErrorsRawAndReceivedAt() throws IOException {
        MappedEvent rejected = new SegmentMapping(Duration.ofMinutes(10)).single(EventType.TRACK,
                EventJson.MAPPER.readTree("{\"writeKey\":\"secret\",\"properties\":1}"), "secret", RECEIVED).get(0);

        InvalidRecord record = InvalidRecord.of(rejected, RECEIVED);

        assertThat(EventJson.MAPPER.readTree(record.encode())).isEqualTo(EventJson.MAPPER.readTree("""
                {"reason":"userId: userId or anonymousId is required (and 2 more)",
                 "errors":[{"index":0,"field":"userId","message":"userId or anonymousId is required"},
                           {"index":0,"field":"event","message":"event is required for track"},
                           {"index":0,"field":"properties","message":"properties must be a JSON object"}],
                 "raw":{"properties":1},
                 "receivedAt":"2024-05-01T12:00:00Z"}
                """));
        assertThat(InvalidRecord.decode(record.encode())).isEqualTo(record);
    }

    @Test
    void requestLevelRejectionWithoutFieldHasAPlainReason() {
        InvalidRecord record = InvalidRecord.of(
                MappedEvent.rejectedRequest("", "body must be a JSON object", null), RECEIVED);

        assertThat(record.reason()).isEqualTo("body must be a JSON object");
        assertThat(record.errors()).containsExactly(new FieldError(-1, "", "body must be a JSON object"));
        assertThat(new String(record.encode(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
                "{\"reason\":\"body must be a JSON object\",\"errors\":[{\"index\":-1,\"field\":\"\","
                        + "\"message\":\"body must be a JSON object\"}],\"raw\":null,\"receivedAt\":\"2024-05-01T12:00:00Z\"}");
    }

    @Test
    void aValidEventIsNoInvalidRecord() {
        MappedEvent valid = MappedEvent.valid(0, new Event("m", EventType.TRACK, "A", null, "u", null, null, null, null,
                RECEIVED, null, null, RECEIVED, null, null, null), null);

        assertThatThrownBy(() -> InvalidRecord.of(valid, RECEIVED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MappedEvent.invalid(0, List.of(), null)).isInstanceOf(IllegalArgumentException.class);
    }
}
