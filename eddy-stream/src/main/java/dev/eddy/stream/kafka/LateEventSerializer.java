package dev.eddy.stream.kafka;

import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.stream.event.LateEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes a {@link LateEvent} as {@code eddy.events} has it (key: the event's partition key,
 * value: its canonical JSON unchanged) with a header {@value #LATE_MS_HEADER} telling, in
 * decimal milliseconds, how late it was.
 */
public final class LateEventSerializer implements KafkaRecordSerializationSchema<LateEvent> {

    public static final String LATE_MS_HEADER = "eddy-late-ms";

    private final String topic;

    public LateEventSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(LateEvent late, KafkaSinkContext context, Long timestamp) {
        Event event;
        try {
            // late events are rare: reading the key back from the JSON beats carrying it on every event
            event = EventJson.decode(late.eventJson());
        } catch (IOException e) {
            throw new UncheckedIOException("a late event is not a canonical event", e);
        }
        String partitionKey = event.partitionKey();
        byte[] key = partitionKey == null ? null : partitionKey.getBytes(StandardCharsets.UTF_8);
        List<Header> headers = List.of(new RecordHeader(
                LATE_MS_HEADER, Long.toString(late.lateByMs()).getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, timestamp, key, late.eventJson(), headers);
    }
}
