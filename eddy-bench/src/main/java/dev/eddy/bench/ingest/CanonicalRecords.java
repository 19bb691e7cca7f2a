package dev.eddy.bench.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.eddy.bus.publish.CloudEventHeaders;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.ingest.IngestJson;
import dev.eddy.model.ingest.MappedEvent;
import dev.eddy.model.ingest.SegmentMapping;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records of {@code eddy.events} that Segment batch bodies become: mapped as ingest maps
 * them, then keyed, encoded and given headers as {@code EventPublisher} writes them.
 */
public final class CanonicalRecords {
    private final SegmentMapping mapping = new SegmentMapping(EddyConfig.defaults().ingest().maxFutureSkew());
    private final String writeKey;

    /** @param writeKey the key the bodies are posted with: it seeds the ids of messages without one */
    public CanonicalRecords(String writeKey) {
        this.writeKey = writeKey;
    }

    /** The canonical events of one batch body, mapped as received now. */
    public List<Event> events(byte[] body) {
        try {
            List<Event> events = new ArrayList<>();
            for (MappedEvent m : mapping.batch(IngestJson.read(body), writeKey, Instant.now())) {
                if (!m.isValid()) throw new IllegalStateException("a generated message was rejected: " + m.errors());
                events.add(m.event());
            }
            return events;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a generated batch is always JSON", e);
        }
    }

    public List<ProducerRecord<byte[], byte[]>> records(SegmentBatches batches) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(batches.events());
        for (byte[] body : batches.bodies()) events(body).forEach(e -> records.add(record(e)));
        return records;
    }

    public static ProducerRecord<byte[], byte[]> record(Event event) {
        String key = event.partitionKey();
        return new ProducerRecord<>(Topics.EVENTS, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                EventJson.encode(event), CloudEventHeaders.of(event));
    }
}
