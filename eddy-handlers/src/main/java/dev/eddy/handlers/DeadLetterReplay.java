package dev.eddy.handlers;

import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.handlers.Delivery.DeadLetterUnwritable;
import dev.eddy.handlers.Delivery.Stopping;
import dev.eddy.model.Topics;
import dev.eddy.model.config.EddyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What {@code eddy replay <handler>} runs: gives a handler's dead letters another chance once the
 * receiver is fixed. It reads {@code eddy.handler.<name>.dlt} in the consumer group {@code
 * eddy.handler.<name>.replay} from that group's committed place (the earliest dead letter kept
 * when it has none) up to the end the topic had when the run started, so the dead letters it
 * writes itself are left for the next run. Each is handed to the handler's {@link Delivery} as the
 * record it was made of ({@link DeadLetter#original}): posted exactly as the handler posts it, or
 * dead-lettered again on the same topic, or passed over when the handler (its config changed) no
 * longer takes it.
 *
 * <p>One dead letter at a time, whatever the handler's {@code concurrency}: a replay is a repair
 * run over what is usually a few, and one at a time keeps each user's dead letters in their order
 * without the handler's lanes. At least once: its place is committed after each dead letter, so a
 * crash posts only the one in flight again. The handler may be running meanwhile: the replay has its own group, producer
 * and (throwaway) metrics. Partitions are assigned, not subscribed: two replays of one handler at
 * once would each post every dead letter.
 *
 * <pre>{@code
 * try (DeadLetterReplay replay = DeadLetterReplay.open(name, config, bootstrap, produceTimeout)) {
 *     Runtime.getRuntime().addShutdownHook(new Thread(replay::stop));
 *     System.out.println(replay.run());
 * }
 * }</pre>
 */
public final class DeadLetterReplay implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(500);
    /** How long Kafka may take to answer a request: the wait before the replay says it is unreachable. */
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final Delivery delivery;

    private DeadLetterReplay(String name, KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> deadLetters,
                             Delivery delivery) {
        this.name = name;
        this.topic = Topics.handlerDeadLetter(name);
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.delivery = delivery;
    }

    /** The consumer group of a handler's replays: where the place of the last one on its dead-letter topic is kept. */
    public static String groupOf(String handler) {
        return Handlers.groupOf(handler) + ".replay";
    }

    /**
     * Connects to Kafka and assigns the dead-letter topic's partitions.
     *
     * @param config the handler as configured now: its URL, subscription and retries apply
     * @param produceTimeout how long a dead letter may take to be acknowledged
     * @throws KafkaUnreachable when Kafka does not answer at {@code bootstrap}
     */
    public static DeadLetterReplay open(String name, EddyConfig.Handler config, String bootstrap, Duration produceTimeout) {
        KafkaConsumer<byte[], byte[]> consumer = null;
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, groupOf(name),
                    ConsumerConfig.CLIENT_ID_CONFIG, "eddy-replay-" + name,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    // no place yet, or one the topic no longer holds: the earliest dead letter kept
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                    ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis()),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.handlerDeadLetter(name), KAFKA_TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions); // none when the topic does not exist: the handler never ran there
            producer = new KafkaProducer<>(EventPublisher.config(bootstrap, produceTimeout, produceTimeout),
                    new ByteArraySerializer(), new ByteArraySerializer());
            return new DeadLetterReplay(name, consumer, producer,
                    new Delivery(name, config, producer, produceTimeout, new SimpleMeterRegistry()));
        } catch (KafkaException e) {
            if (producer != null) producer.close(CLOSE_TIMEOUT);
            if (consumer != null) consumer.close(CLOSE_TIMEOUT);
            throw new KafkaUnreachable(bootstrap, e);
        }
    }

    /**
     * Replays the dead letters from the group's place up to the topic's end as it is now, one at
     * a time, committing the place after each.
     *
     * @return how many there were and how each ended; {@link Summary#stopped()} when {@link #stop()} came first
     * @throws Failed when Kafka failed it (a dead letter not acknowledged, a place not committed):
     *     what was handled before is committed, the rest is the next run's
     */
    public Summary run() {
        Counts counts = new Counts();
        try {
            Set<TopicPartition> left = new HashSet<>(consumer.assignment());
            Map<TopicPartition, Long> end = consumer.endOffsets(left);
            while (!delivery.stopping()) {
                left.removeIf(partition -> consumer.position(partition) >= end.get(partition));
                consumer.pause(consumer.assignment().stream().filter(p -> !left.contains(p)).toList());
                if (left.isEmpty()) break;
                for (ConsumerRecord<byte[], byte[]> deadLetter : consumer.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(deadLetter.topic(), deadLetter.partition());
                    // past the end taken at the start, or of a partition finished already: the next run's
                    if (deadLetter.offset() >= end.get(partition)) continue;
                    counts.add(replay(deadLetter));
                    commit(partition, deadLetter.offset() + 1);
                }
            }
            return counts.summary(delivery.stopping());
        } catch (Stopping | WakeupException stopped) {
            return counts.summary(true);
        } catch (DeadLetterUnwritable e) {
            throw new Failed(counts.summary(true), "cannot write the dead letter (" + e.reason + ") to " + topic
                    + ": " + e.getMessage() + "; it stays where it is, for the next run", e);
        } catch (KafkaException e) {
            throw new Failed(counts.summary(true), "Kafka failed the replay: " + e, e);
        }
    }

    private Delivery.Result replay(ConsumerRecord<byte[], byte[]> deadLetter) {
        ConsumerRecord<byte[], byte[]> original = DeadLetter.original(deadLetter);
        // read from a topic the handler no longer reads (its subscribe changed): not for it now
        if (!original.topic().equals(delivery.subscription().topic())) return Delivery.Result.PASSED_OVER;
        return delivery.handle(original);
    }

    /** Commits the place after a dead letter handled; a stop's wake-up pending once does not lose it. */
    private void commit(TopicPartition partition, long next) {
        Map<TopicPartition, OffsetAndMetadata> place = Map.of(partition, new OffsetAndMetadata(next));
        try {
            consumer.commitSync(place, KAFKA_TIMEOUT);
        } catch (WakeupException pendingWakeup) {
            consumer.commitSync(place, KAFKA_TIMEOUT); // the wake-up was consumed by that throw
            throw pendingWakeup;
        }
    }

    /** Makes {@link #run()} return soon, without waiting for the post in flight (it is replayed again next time); safe from any thread. */
    public void stop() {
        delivery.stop();
        consumer.wakeup();
    }

    @Override
    public void close() {
        deadLetters.close(CLOSE_TIMEOUT);
        consumer.close(CLOSE_TIMEOUT);
    }

    /** Tallies the outcomes of one run. */
    private final class Counts {
        private int delivered;
        private int deadLettered;
        private int passedOver;

        void add(Delivery.Result result) {
            switch (result) {
                case DELIVERED -> delivered++;
                case DEAD_LETTERED -> deadLettered++;
                case PASSED_OVER -> passedOver++;
            }
        }

        Summary summary(boolean stopped) {
            return new Summary(name, topic, delivered, deadLettered, passedOver, stopped);
        }
    }

    /**
     * What a run came to.
     *
     * @param deadLettered not delivered again: on the dead-letter topic once more
     * @param passedOver no longer taken by the handler as configured now
     * @param stopped whether it stopped before the end it was to reach
     */
    public record Summary(String handler, String topic, int delivered, int deadLettered, int passedOver, boolean stopped) {

        public int replayed() {
            return delivered + deadLettered + passedOver;
        }

        /** E.g. {@code replayed 3 dead letters of handler 'signup-hook' from eddy.handler.signup-hook.dlt: 2 delivered, 1 dead-lettered again, 0 passed over}. */
        @Override
        public String toString() {
            return "replayed " + replayed() + (replayed() == 1 ? " dead letter" : " dead letters") + " of handler '"
                    + handler + "' from " + topic + ": " + delivered + " delivered, " + deadLettered
                    + " dead-lettered again, " + passedOver + " passed over";
        }
    }

    /** Kafka did not answer: nothing was replayed. */
    public static final class KafkaUnreachable extends RuntimeException {
        KafkaUnreachable(String bootstrap, KafkaException cause) {
            super("no Kafka answers at " + bootstrap + " (" + cause.getMessage() + ")", cause);
        }
    }

    /** Kafka failed a run part of the way: {@link #summary()} says what was done and committed before. */
    public static final class Failed extends RuntimeException {
        private final transient Summary summary;

        Failed(Summary summary, String message, Exception cause) {
            super(message, cause);
            this.summary = summary;
        }

        public Summary summary() {
            return summary;
        }
    }
}
