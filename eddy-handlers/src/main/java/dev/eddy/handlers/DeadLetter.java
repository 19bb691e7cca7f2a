package dev.eddy.handlers;

import dev.eddy.model.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The record a handler keeps on its dead-letter topic for an event (or alert) it could not
 * deliver: the record's key, value and headers unchanged (so it can be replayed onto the topic it
 * was read from as it is), plus headers saying which handler gave up, why, after how many
 * attempts, and where the record was read. {@link #original} undoes that for a replay.
 */
public final class DeadLetter {
    public static final String HANDLER = "eddy-dlt-handler";
    public static final String REASON = "eddy-dlt-reason";
    public static final String ATTEMPTS = "eddy-dlt-attempts";
    /** The last HTTP status answered; absent when none was. */
    public static final String STATUS = "eddy-dlt-status";
    public static final String TOPIC = "eddy-dlt-topic";
    public static final String PARTITION = "eddy-dlt-partition";
    public static final String OFFSET = "eddy-dlt-offset";
    /** What the names of the headers a dead letter adds begin with. */
    public static final String PREFIX = "eddy-dlt-";

    private DeadLetter() {}

    /**
     * @param attempts posts made, 0 when the record was not an event (or alert) that could be posted
     * @param status the last HTTP status answered, 0 for none
     */
    public static ProducerRecord<byte[], byte[]> of(String handler, ConsumerRecord<byte[], byte[]> failed,
                                                    String reason, int attempts, int status) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : failed.headers()) headers.add(header);
        add(headers, HANDLER, handler);
        add(headers, REASON, reason);
        add(headers, ATTEMPTS, Integer.toString(attempts));
        if (status != 0) add(headers, STATUS, Integer.toString(status));
        add(headers, TOPIC, failed.topic());
        add(headers, PARTITION, Integer.toString(failed.partition()));
        add(headers, OFFSET, Long.toString(failed.offset()));
        return new ProducerRecord<>(Topics.handlerDeadLetter(handler), null, failed.key(), failed.value(), headers);
    }

    /**
     * The record a dead letter was made of, as its handler read it: its key, value and headers
     * without the dead letter's own ({@code eddy-dlt-*}), at the topic, partition and offset where
     * it was read. A replay hands it to the handler's {@link Delivery} as if just read, so it is
     * posted as the handler posts it, and a new dead letter of it names that origin again, with
     * fresh {@code eddy-dlt-*} headers, each once. A record without those headers (not written by
     * a handler) stays where it is: on the dead-letter topic.
     */
    static ConsumerRecord<byte[], byte[]> original(ConsumerRecord<byte[], byte[]> deadLetter) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : deadLetter.headers()) {
            if (!header.key().startsWith(PREFIX)) headers.add(header);
        }
        String topic = deadLetter.topic();
        int partition = deadLetter.partition();
        long offset = deadLetter.offset();
        try {
            String originTopic = value(deadLetter, TOPIC);
            String originPartition = value(deadLetter, PARTITION);
            String originOffset = value(deadLetter, OFFSET);
            if (originTopic != null && originPartition != null && originOffset != null) {
                partition = Integer.parseInt(originPartition);
                offset = Long.parseLong(originOffset);
                topic = originTopic;
            }
        } catch (NumberFormatException notWrittenByAHandler) {
            partition = deadLetter.partition();
            offset = deadLetter.offset();
        }
        return new ConsumerRecord<>(topic, partition, offset, deadLetter.timestamp(), deadLetter.timestampType(),
                deadLetter.serializedKeySize(), deadLetter.serializedValueSize(), deadLetter.key(), deadLetter.value(),
                headers, deadLetter.leaderEpoch());
    }

    private static String value(ConsumerRecord<byte[], byte[]> record, String header) {
        Header last = record.headers().lastHeader(header);
        return last == null || last.value() == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
