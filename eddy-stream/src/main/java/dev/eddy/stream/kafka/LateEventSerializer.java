package dev.eddy.stream.kafka;

import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.stream.event.LateEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes a {@link LateEvent} as {@code eddy.events} has it (key: the event's partition key,
 * value: its canonical JSON unchanged) with a header {@value #LATE_MS_HEADER} telling, in
 * decimal milliseconds, how late it was.
 *
 * <p>The record carries no timestamp of its own, so the producer stamps it with the time it was
 * written: the event time (in the JSON) is by definition long past, which would let retention
 * delete a week-late event at once, and Kafka refuses a time before 1970 outright, failing the
 * job on every replay of such a record.
 */
public final class LateEventSerializer implements KafkaRecordSerializationSchema<LateEvent>, KafkaDatasetFacetProvider {

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
        return new ProducerRecord<>(topic, null, null, key, late.eventJson(), headers);
    }

    /** The topic written to: the sink's pooled transactional ids need it named up front. */
    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }
}
