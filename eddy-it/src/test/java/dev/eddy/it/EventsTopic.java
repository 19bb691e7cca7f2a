package dev.eddy.it;

import dev.eddy.bus.testing.TopicReader;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import dev.eddy.workload.truth.GroundTruth;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What ingest put on {@code eddy.events}, read back from the broker. */
final class EventsTopic {

    private EventsTopic() {}

    /**
     * Waits until the topic holds exactly {@code records} records and returns how many of them
     * are of a counted type (track, page, screen): the analytics job filters the others out
     * before dedup, so only these can be dropped as duplicates.
     */
    static long countedRecords(String bootstrap, long records) {
        return TopicReader.readAll(bootstrap, Topics.EVENTS, Math.toIntExact(records)).stream()
                .filter(EventsTopic::counted)
                .count();
    }

    private static boolean counted(ConsumerRecord<byte[], byte[]> record) {
        try {
            return GroundTruth.series(EventJson.decode(record.value())) != null;
        } catch (IOException e) {
            throw new UncheckedIOException("not an event on " + Topics.EVENTS + " at offset " + record.offset(), e);
        }
    }
}
