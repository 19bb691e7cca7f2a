package dev.eddy.handlers;

import dev.eddy.handlers.Delivery.DeadLetterUnwritable;
import dev.eddy.handlers.Delivery.Stopping;
import dev.eddy.model.Topics;
import dev.eddy.model.config.Durations;
import dev.eddy.model.config.EddyConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handler at work, on a thread of its own: reads its topic ({@code eddy.events}, or {@code
 * eddy.alerts}: see {@link Subscription}) in its consumer group {@code eddy.handler.<name>}, posts
 * each event (or alert) it takes to its URL, and retries with backoff while the receiver has
 * passing trouble; an event that cannot be delivered (attempts used up, a status that retrying
 * will not change, a record that is not an event, or alert) goes to the handler's dead-letter
 * topic. Then the next one: events are posted one at a time, so each user's events arrive in the
 * order they are on the bus. How one record is posted or kept is {@link Delivery}'s; this class
 * keeps the handler's place.
 *
 * <p>At least once: an event's offset is committed only after it was delivered, skipped or its
 * dead letter acknowledged, so a stop or crash in between posts it again at the next start (the
 * {@code Idempotency-Key} lets the receiver tell). A new handler (its group has no committed
 * place) starts at the end of the topic and commits that place at once: it takes the events that
 * come after its first start, not the topic's history. After that it misses none: a partition
 * without a place (one added to the topic) or whose place the topic no longer holds starts at its
 * earliest event. Anything unexpected (the cluster away, the group lost) closes the consumer and,
 * after a wait, the handler goes on from its committed place with a new one.
 */
final class HandlerRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerRunner.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long COMMIT_EVERY_MS = 1_000;
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Kafka's default poll interval, and the margin over a record's worst case when that is longer. */
    private static final Duration MIN_POLL_INTERVAL = Duration.ofMinutes(5);
    private static final Duration POLL_INTERVAL_MARGIN = Duration.ofMinutes(1);

    private final String name;
    private final Delivery delivery;
    private final Map<String, Object> consumerConfig;
    private final Thread thread;
    /** The consumer in use, for {@link #close()} to wake; the handler thread's own otherwise. */
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    /** Handled and not yet committed; the handler thread's own. */
    private final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    private long lastCommit;
    private volatile boolean assigned;

    /**
     * @param deadLetters the producer of dead letters, shared by the handlers; idempotent, acks=all
     * @param produceTimeout how long a dead letter may take to be acknowledged
     */
    HandlerRunner(String name, EddyConfig.Handler config, String bootstrap, Producer<byte[], byte[]> deadLetters,
                  Duration produceTimeout, MeterRegistry registry) {
        this.name = name;
        this.delivery = new Delivery(name, config, deadLetters, produceTimeout, registry);
        this.consumerConfig = consumerConfig(bootstrap);
        this.thread = new Thread(this::run, "eddy-handler-" + name);
    }

    private Map<String, Object> consumerConfig(String bootstrap) {
        // one record per poll, and none polled while an event is retried: the group must wait out
        // the longest an event can take
        Duration pollInterval = delivery.longest().plus(POLL_INTERVAL_MARGIN);
        if (pollInterval.compareTo(MIN_POLL_INTERVAL) < 0) pollInterval = MIN_POLL_INTERVAL;
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, Handlers.groupOf(name),
                ConsumerConfig.CLIENT_ID_CONFIG, "eddy-handler-" + name,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // a place lost or never had (a new partition): from the start, nothing skipped;
                // a new handler's first place is the end, set by PlaceKeeper
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                // eddy.alerts is written in transactions: an alert is posted once its transaction
                // is committed, never when aborted. eddy.events' producers are idempotent but not
                // transactional: read_committed changes nothing there
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, pollInterval.toMillis()));
    }

    void start() {
        thread.start();
    }

    /** The topic it reads. */
    String topic() {
        return delivery.subscription().topic();
    }

    /** Whether it has its partitions of its topic and a committed place in each: records written from now on reach it. */
    boolean assigned() {
        return assigned;
    }

    private void run() {
        while (!delivery.stopping()) {
            KafkaConsumer<byte[], byte[]> current = null;
            try {
                // in the try: it throws when no bootstrap address resolves, e.g. while DNS is away
                current = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                consumer = current;
                if (delivery.stopping()) return; // stopped before it could wake this consumer
                consume(current);
            } catch (Stopping | WakeupException e) {
                return; // what was not handled yet is read again at the next start
            } catch (RuntimeException e) {
                assigned = false;
                done.clear(); // not committed: read again from the committed place
                LOG.error("handler {}: {}; starting over from its committed place in {}", name, e.toString(),
                        Durations.format(delivery.maxBackoff()), e);
            } finally {
                if (current != null) current.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            }
            try {
                delivery.pause(delivery.maxBackoff());
            } catch (Stopping stopping) {
                return;
            }
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> consumer) {
        consumer.subscribe(List.of(delivery.subscription().topic()), new PlaceKeeper(consumer));
        try {
            while (!delivery.stopping()) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
                // a poll without a record may still have stepped over a transaction's marker or
                // its aborted records: keeping that place lets the lag come down to 0
                if (polled.isEmpty()) done.putAll(polled.nextOffsets());
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    try {
                        handle(record);
                    } catch (DeadLetterUnwritable e) {
                        // not committed, and read again after a wait: the event must not be lost
                        LOG.error("handler {}: cannot keep an undeliverable event ({}) on {}, will try it again: {}",
                                name, e.reason, Topics.handlerDeadLetter(name), e.getMessage());
                        consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                        delivery.pause(delivery.maxBackoff());
                        break; // nothing after it may be handled before it
                    }
                }
                commitIfDue(consumer);
            }
        } finally {
            commitDone(consumer);
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        delivery.handle(record);
        markDone(record);
    }

    private void markDone(ConsumerRecord<byte[], byte[]> record) {
        done.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
    }

    private void commitIfDue(KafkaConsumer<byte[], byte[]> consumer) {
        long now = System.currentTimeMillis();
        if (done.isEmpty() || now - lastCommit < COMMIT_EVERY_MS) return;
        consumer.commitAsync(Map.copyOf(done), (offsets, error) -> {
            if (error == null) return;
            // called back on this thread, in a later poll: commit them with the next, unless newer ones did
            LOG.warn("handler {}: commit failed, will try again: {}", name, error.toString());
            offsets.forEach((partition, failed) -> done.merge(partition, failed,
                    (newer, old) -> newer.offset() >= old.offset() ? newer : old));
        });
        done.clear();
        lastCommit = now;
    }

    /** Commits what was handled, as the consumer goes: a stop's wake-up may still be pending once. */
    private void commitDone(KafkaConsumer<byte[], byte[]> consumer) {
        if (done.isEmpty()) return;
        for (int tries = 1; tries <= 2; tries++) {
            try {
                consumer.commitSync(done, COMMIT_TIMEOUT);
                done.clear();
                return;
            } catch (WakeupException pendingWakeup) {
                // consumed by this throw: the second try commits
            } catch (RuntimeException e) {
                LOG.warn("handler {}: last offsets not committed, their events will be posted again: {}", name, e.toString());
                return;
            }
        }
    }

    /** Signals the handler to stop: it leaves a post or a wait at once, unhandled events to the next start. */
    void stop() {
        delivery.stop();
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) current.wakeup();
    }

    /** Stops the handler and waits until it committed what it handled and closed its consumer. */
    @Override
    public void close() throws InterruptedException {
        stop();
        thread.join();
    }

    /** Commits what was handled before partitions go, and gives a new handler its place at the end. */
    private final class PlaceKeeper implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> consumer;

        PlaceKeeper(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitDone(consumer);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // the group moved on without this consumer: its commits would be refused
            done.clear();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                assigned = true;
                return;
            }
            // the whole topic's, not just these: a consumer given only partitions added since has
            // no place in them, and must read them from the start
            Set<TopicPartition> all = consumer.partitionsFor(delivery.subscription().topic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toSet());
            all.addAll(partitions);
            if (consumer.committed(all).values().stream().allMatch(Objects::isNull)) {
                // no place anywhere: a new handler, which takes the events from now on (read
                // committed, the end is before any transaction still open: its alerts are taken)
                consumer.seekToEnd(partitions);
                Map<TopicPartition, OffsetAndMetadata> end = new HashMap<>();
                partitions.forEach(p -> end.put(p, new OffsetAndMetadata(consumer.position(p))));
                consumer.commitSync(end, COMMIT_TIMEOUT);
            }
            assigned = true;
        }
    }
}
