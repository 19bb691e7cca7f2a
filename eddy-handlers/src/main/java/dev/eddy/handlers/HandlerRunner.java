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
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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
 * One handler at work: reads its topic ({@code eddy.events}, or {@code eddy.alerts}: see {@link
 * Subscription}) in its consumer group {@code eddy.handler.<name>} on a thread of its own, and
 * hands each record to one of its {@link Lanes}, which posts it to its URL, retrying with backoff
 * while the receiver has passing trouble; an event that cannot be delivered (attempts used up, a
 * status that retrying will not change, a record that is not an event, or alert) goes to the
 * handler's dead-letter topic. How one record is posted or kept is {@link Delivery}'s; this class
 * keeps the handler's place.
 *
 * <p>Up to {@code concurrency} records at once, one per lane. A record's lane is by its key, so
 * one user's events (one series' alerts) are posted one after the other, in the order they are
 * on the bus, and other users' beside them: a slow receiver for one user does not hold the others
 * up, and a receiver answering in 100 ms takes {@code concurrency} × 10 events a second. The
 * records held, in flight or queued in the lanes, are bounded: while the lanes hold {@code
 * concurrency} × {@value #HELD_PER_LANE} the consumer is paused, and polls on, so that the group
 * keeps it.
 *
 * <p>At least once: a partition's place is committed only up to its lowest record not yet done
 * (delivered, passed over or its dead letter acknowledged: see {@link DoneOffsets}), so a stop or
 * crash posts what was not done again at the next start (the {@code Idempotency-Key} lets the
 * receiver tell). A new handler (its group has no committed place) starts at the end of the topic
 * and commits that place at once: it takes the events that come after its first start, not the
 * topic's history. After that it misses none: a partition without a place (one added to the
 * topic) or whose place the topic no longer holds starts at its earliest event. Anything
 * unexpected (the cluster away, the group lost) closes the consumer and, after a wait, the handler
 * goes on from its committed place with a new one.
 */
final class HandlerRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerRunner.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** While records are in flight: what they finish is committed, and a paused consumer resumed, soon after. */
    private static final Duration POLL_BUSY = Duration.ofMillis(100);
    private static final long COMMIT_EVERY_MS = 1_000;
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Records a lane may have waiting, on average, before the consumer pauses: enough to keep it busy between polls. */
    private static final int HELD_PER_LANE = 100;
    /** Kafka's own default: more per poll would only overshoot the bound on records held. */
    private static final int MAX_POLL_RECORDS = 500;

    private final String name;
    private final Delivery delivery;
    private final Lanes lanes;
    /** Records held at most, in flight or queued, before the consumer pauses. */
    private final int maxHeld;
    private final Map<String, Object> consumerConfig;
    private final Thread thread;
    /** The consumer in use, for {@link #close()} to wake; the handler thread's own otherwise. */
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    /** The progress in each partition taken from; the handler thread's own (the lanes hold their records'). */
    private final Map<TopicPartition, DoneOffsets> progress = new HashMap<>();
    /** Records handed to the lanes and not yet finished with, whatever became of their partition. */
    private final AtomicInteger held = new AtomicInteger();
    /** What went wrong in a lane, for the handler thread to start over from its committed place. */
    private final AtomicReference<RuntimeException> laneFailure = new AtomicReference<>();
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
        this.lanes = new Lanes(name, config.concurrency());
        this.maxHeld = config.concurrency() * HELD_PER_LANE;
        this.consumerConfig = consumerConfig(bootstrap);
        this.thread = new Thread(this::run, "eddy-handler-" + name);
    }

    private Map<String, Object> consumerConfig(String bootstrap) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, Handlers.groupOf(name),
                ConsumerConfig.CLIENT_ID_CONFIG, "eddy-handler-" + name,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // a place lost or never had (a new partition): from the start, nothing skipped;
                // a new handler's first place is the end, set by PlaceKeeper
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // a poll's records are held on top of those in the lanes: held stay under twice the bound
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(MAX_POLL_RECORDS, maxHeld),
                // eddy.alerts is written in transactions: an alert is posted once its transaction
                // is committed, never when aborted. eddy.events' producers are idempotent but not
                // transactional: read_committed changes nothing there
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // max.poll.interval.ms is Kafka's default, 5 minutes: this thread only hands records to the
        // lanes, and polls on while they are full (paused), so two polls are at most a commit or a
        // rebalance callback apart (seconds), never a delivery, however long its retries take
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
        try {
            while (!delivery.stopping()) {
                KafkaConsumer<byte[], byte[]> current = null;
                try {
                    // in the try: it throws when no bootstrap address resolves, e.g. while DNS is away
                    current = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                    consumer = current;
                    if (delivery.stopping()) return; // stopped before it could wake this consumer
                    consume(current);
                } catch (Stopping | WakeupException e) {
                    return; // what was not done yet is read again at the next start
                } catch (RuntimeException e) {
                    assigned = false;
                    dropAll(); // not committed: read again from the committed place
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
        } finally {
            closeLanes();
        }
    }

    /** Once stopped, every lane leaves its post or wait at once: this waits for them to end. */
    private void closeLanes() {
        try {
            lanes.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> consumer) {
        consumer.subscribe(List.of(delivery.subscription().topic()), new PlaceKeeper(consumer));
        // a failure of the last consumer's records, all dropped with it
        laneFailure.set(null);
        try {
            while (!delivery.stopping()) {
                RuntimeException failed = laneFailure.getAndSet(null);
                if (failed != null) throw failed;
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(held.get() > 0 ? POLL_BUSY : POLL);
                for (ConsumerRecord<byte[], byte[]> record : polled) take(record);
                // a poll may have stepped over a transaction's marker or its aborted records, with
                // records or without: keeping that place lets the lag come down to 0
                polled.nextOffsets().forEach((partition, next) -> progressOf(partition).readUpTo(next.offset()));
                holdAtMost(consumer);
                commitIfDue(consumer);
            }
        } finally {
            commitDone(consumer, progress.keySet());
        }
    }

    private DoneOffsets progressOf(TopicPartition partition) {
        return progress.computeIfAbsent(partition, p -> new DoneOffsets());
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        DoneOffsets offsets = progressOf(new TopicPartition(record.topic(), record.partition()));
        offsets.taken(record.offset());
        held.incrementAndGet();
        lanes.submit(record.key(), record.partition(), () -> deliver(record, offsets));
    }

    /** In its lane: handles the record until it is done, unless stopped or its partition dropped meanwhile. */
    private void deliver(ConsumerRecord<byte[], byte[]> record, DoneOffsets offsets) {
        try {
            while (!offsets.dropped()) {
                try {
                    delivery.handle(record);
                    offsets.done(record.offset());
                    return;
                } catch (DeadLetterUnwritable e) {
                    // not done: the event must not be lost. Its partition's place cannot pass it,
                    // and nothing after it in its lane (its user's later events) goes before it;
                    // the other lanes go on
                    LOG.error("handler {}: cannot keep an undeliverable event ({}) on {}, will try it again: {}",
                            name, e.reason, Topics.handlerDeadLetter(name), e.getMessage());
                    delivery.pause(delivery.maxBackoff());
                }
            }
        } catch (Stopping stopping) {
            // not done: read again at the next start
        } catch (RuntimeException | Error e) {
            // not done, and this lane's next records of the partition must not overtake it: they
            // are left, and the handler starts over from its committed place (an Error too: its
            // record would otherwise stay in flight, and the partition's place with it, for ever)
            offsets.drop();
            laneFailure.compareAndSet(null, e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("a lane failed: " + e, e));
        } finally {
            held.decrementAndGet();
        }
    }

    /**
     * Pauses every partition while the lanes hold their fill, and resumes them once below. The
     * consumer polls on meanwhile (returning nothing) so that the group keeps it; pausing again
     * at each round covers the partitions a rebalance assigned since.
     */
    private void holdAtMost(KafkaConsumer<byte[], byte[]> consumer) {
        if (held.get() >= maxHeld) consumer.pause(consumer.assignment());
        else if (!consumer.paused().isEmpty()) consumer.resume(consumer.paused());
    }

    private void commitIfDue(KafkaConsumer<byte[], byte[]> consumer) {
        long now = System.currentTimeMillis();
        if (now - lastCommit < COMMIT_EVERY_MS) return;
        lastCommit = now;
        Map<TopicPartition, OffsetAndMetadata> places = toCommit(progress.keySet(), DoneOffsets::toCommit);
        if (places.isEmpty()) return;
        consumer.commitAsync(places, (offsets, error) -> {
            if (error == null) return;
            // called back on this thread, in a later poll: commit them with the next, unless newer ones did
            LOG.warn("handler {}: commit failed, will try again: {}", name, error.toString());
            commitFailed(offsets);
        });
    }

    private Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> partitions,
                                                            Function<DoneOffsets, OptionalLong> place) {
        Map<TopicPartition, OffsetAndMetadata> places = new HashMap<>();
        for (TopicPartition partition : partitions) {
            DoneOffsets offsets = progress.get(partition);
            if (offsets != null) place.apply(offsets).ifPresent(p -> places.put(partition, new OffsetAndMetadata(p)));
        }
        return places;
    }

    private void commitFailed(Map<TopicPartition, OffsetAndMetadata> places) {
        places.forEach((partition, place) -> {
            DoneOffsets offsets = progress.get(partition);
            if (offsets != null) offsets.commitFailed(place.offset());
        });
    }

    /** Commits what is done of these partitions, as the consumer or they go: a stop's wake-up may still be pending once. */
    private void commitDone(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> places = toCommit(partitions, DoneOffsets::lastToCommit);
        if (places.isEmpty()) return;
        for (int tries = 1; tries <= 2; tries++) {
            try {
                consumer.commitSync(places, COMMIT_TIMEOUT);
                return;
            } catch (WakeupException pendingWakeup) {
                // consumed by this throw: the second try commits
            } catch (RuntimeException e) {
                LOG.warn("handler {}: last offsets not committed, their events will be posted again: {}", name, e.toString());
                commitFailed(places);
                return;
            }
        }
    }

    /** Nothing of these partitions is committed any more, nor begun in a lane. */
    private void drop(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            DoneOffsets offsets = progress.remove(partition);
            if (offsets != null) offsets.drop();
        }
    }

    private void dropAll() {
        drop(List.copyOf(progress.keySet()));
    }

    /** Signals the handler to stop: every lane leaves its post or wait at once, what is not done to the next start. */
    void stop() {
        delivery.stop();
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) current.wakeup();
    }

    /** Stops the handler and waits until it committed what is done, closed its consumer and its lanes ended. */
    @Override
    public void close() throws InterruptedException {
        stop();
        thread.join();
    }

    /** Commits what is done before partitions go, and gives a new handler its place at the end. */
    private final class PlaceKeeper implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> consumer;

        PlaceKeeper(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // what is done of them so far is committed; then they are dropped: their records not
            // begun are left, and those in flight may finish (posted, maybe again by the new owner,
            // which reads them from this place: at least once) but are never committed from here,
            // where the place could pass what the new owner has not done
            commitDone(consumer, partitions);
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // the group moved on without this consumer: its commits would be refused
            drop(partitions);
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
