package dev.eddy.stream.kafka;

import dev.eddy.model.alerts.Alert;
import dev.eddy.model.alerts.AlertJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * Writes an {@link Alert} keyed by its series, so one series' alerts stay in order, as its JSON,
 * with its CloudEvents attributes as the Kafka binding's {@code ce_} headers (as on {@code
 * eddy.events}). Stamped by the producer: the alert is news when it is written.
 */
public final class AlertSerializer implements KafkaRecordSerializationSchema<Alert>, KafkaDatasetFacetProvider {

    private static final String CE_PREFIX = "ce_";
    private static final String CONTENT_TYPE = "content-type";

    private final String topic;

    public AlertSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Alert alert, KafkaSinkContext context, Long timestamp) {
        List<Header> headers = new ArrayList<>();
        AlertJson.cloudEventAttributes(alert).forEach((name, value) ->
                headers.add(new RecordHeader(CE_PREFIX + name, value.getBytes(StandardCharsets.UTF_8))));
        headers.add(new RecordHeader(CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, null, alert.series().getBytes(StandardCharsets.UTF_8),
                AlertJson.encode(alert), headers);
    }

    /** The topic written to: the sink's pooled transactional ids need it named up front. */
    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }
}
