package dev.eddy.stream.kafka;

import static dev.eddy.stream.event.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import dev.eddy.stream.event.LateEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class LateEventSerializerTest {

    @Test
    void writesTheEventUnchangedKeyedByItsUserWithItsLateness() {
        // an event from before 1970, as a client writing straight to eddy.events may send
        byte[] json = EventJson.encode(track("m1", "Signed Up", "alice", -1_000));

        ProducerRecord<byte[], byte[]> record =
                new LateEventSerializer(Topics.LATE).serialize(new LateEvent(json, 3_600_123), null, -1_000L);

        assertThat(record.topic()).isEqualTo(Topics.LATE);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("alice");
        assertThat(record.value()).isEqualTo(json);
        assertThat(record.timestamp()).as("the producer stamps it: Kafka refuses times before 1970").isNull();
        assertThat(new String(record.headers().lastHeader(LateEventSerializer.LATE_MS_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo("3600123");
    }
}
