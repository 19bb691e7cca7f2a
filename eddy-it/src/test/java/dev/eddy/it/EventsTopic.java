package dev.eddy.it;

import dev.eddy.bus.testing.TopicReader;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import dev.eddy.workload.truth.GroundTruth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What ingest put on {@code eddy.events}, read back from the broker. */
final class EventsTopic {

    private EventsTopic() {}

    /** Waits until the topic holds exactly {@code records} records and returns their events. */
    static List<Event> read(String bootstrap, long records) {
        return TopicReader.readAll(bootstrap, Topics.EVENTS, Math.toIntExact(records)).stream()
                .map(EventsTopic::decode)
                .toList();
    }

    /**
     * How many of the events are of a counted type (track, page, screen): the analytics job filters
     * the others out before dedup, so only these can be dropped as duplicates.
     */
    static long counted(List<Event> events) {
        return events.stream().filter(event -> GroundTruth.series(event) != null).count();
    }

    private static Event decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return EventJson.decode(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException("not an event on " + Topics.EVENTS + " at offset " + record.offset(), e);
        }
    }
}
