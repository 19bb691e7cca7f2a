package dev.eddy.bus.tail;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints a topic's records as JSON lines ({@link RecordJsonLine}) until stopped: what
 * {@code eddy tail TOPIC [--from-beginning]} runs.
 *
 * <p>It assigns itself every partition without a consumer group, so watching never joins,
 * rebalances or commits offsets of any real consumer. It reads committed records only, as
 * Eddy's own readers do. Partitions added after {@link #open} are not followed.
 *
 * <pre>{@code
 * try (TopicTail tail = TopicTail.open(bootstrap, "eddy.events", false, System.out)) {
 *     Runtime.getRuntime().addShutdownHook(new Thread(tail::stop));
 *     tail.run();
 * }
 * }</pre>
 */
public final class TopicTail implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PrintStream out;
    private volatile boolean stopped;

    private TopicTail(KafkaConsumer<byte[], byte[]> consumer, PrintStream out) {
        this.consumer = consumer;
        this.out = out;
    }

    /**
     * Assigns every partition of the topic and fixes the start position before returning, so
     * a record written after {@code open} returns is printed even when reading from the end.
     *
     * @param fromBeginning start at the oldest retained record instead of the end
     * @throws IllegalArgumentException when the topic does not exist
     */
    public static TopicTail open(String bootstrapServers, String topic, boolean fromBeginning, PrintStream out) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(out, "out");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "eddy-tail",
                // a mistyped name must not create a topic on a cluster that auto-creates them
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) METADATA_TIMEOUT.toMillis()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalArgumentException("no such topic: " + topic);
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(assigned);
            if (fromBeginning) consumer.seekToBeginning(assigned);
            else consumer.seekToEnd(assigned);
            // seeks are lazy: resolve them now, not at the first poll
            assigned.forEach(consumer::position);
            return new TopicTail(consumer, out);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /**
     * Prints records as they arrive; returns after {@link #stop()}, or once the output fails (its
     * reader went away, as {@code eddy tail … | head} does: the JVM ignores SIGPIPE and a
     * {@code PrintStream} only records the error). Call from one thread.
     */
    public void run() {
        try {
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    out.println(RecordJsonLine.format(record));
                }
                if (out.checkError()) return;
            }
        } catch (WakeupException e) {
            if (!stopped) throw e;
        }
    }

    /** Makes {@link #run()} return soon; safe from any thread, e.g. a shutdown hook. */
    public void stop() {
        stopped = true;
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
