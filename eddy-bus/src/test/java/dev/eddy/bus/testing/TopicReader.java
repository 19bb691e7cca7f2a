package dev.eddy.bus.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic from the beginning, without a consumer group, for assertions. */
public final class TopicReader {

    private TopicReader() {}

    /**
     * Waits until the topic holds exactly {@code count} records and returns them; of a topic
     * written in transactions, the committed ones, as Eddy's readers see it.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                // drain what is there now in one check: one poll per Awaitility round is slow for large topics
                int polled;
                do {
                    var batch = consumer.poll(Duration.ofMillis(200));
                    polled = batch.count();
                    batch.forEach(records::add);
                } while (polled > 0 && records.size() < count);
                return records.size() >= count;
            });
            // nothing beyond the expected records: every position is at the end
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            partitions.forEach(p -> {
                if (consumer.position(p) != end.get(p)) {
                    throw new AssertionError("more records than expected on " + p);
                }
            });
            return records;
        }
    }

    /** How many records the topic holds now: the sum of its partitions' end offsets (no compaction, no transactions markers on these topics). */
    public static long endOffsetSum(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
