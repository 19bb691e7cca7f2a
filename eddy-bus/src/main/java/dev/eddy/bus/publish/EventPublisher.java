package dev.eddy.bus.publish;

import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes accepted events to {@code eddy.events} and rejected input to
 * {@code eddy.events.invalid}, with an idempotent producer and {@code acks=all}: a completed
 * future means the broker has the record, so ingest may answer 200.
 *
 * <p>Every wait is bounded: {@code send} blocks the caller at most {@code maxBlock} (waiting
 * for metadata or buffer space) and a record not acknowledged within {@code deliveryTimeout}
 * fails its future. Use {@link #isUnavailable(Throwable)} to tell "Kafka cannot take writes
 * now" (answer 503, retry later) from other failures. Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {

    public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(10);
    private static final int LINGER_MS = 5;
    private static final Duration MIN_DELIVERY_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration deliveryTimeout;

    public EventPublisher(String bootstrapServers) {
        this(bootstrapServers, DEFAULT_MAX_BLOCK, DEFAULT_DELIVERY_TIMEOUT);
    }

    /**
     * @param maxBlock longest time {@code publish} may block its caller
     * @param deliveryTimeout longest time from {@code publish} to the future's completion,
     *     retries included; at least 100 ms
     */
    public EventPublisher(String bootstrapServers, Duration maxBlock, Duration deliveryTimeout) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(maxBlock, "maxBlock");
        this.deliveryTimeout = Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (deliveryTimeout.compareTo(MIN_DELIVERY_TIMEOUT) < 0) {
            throw new IllegalArgumentException("deliveryTimeout must be at least " + MIN_DELIVERY_TIMEOUT + ", got " + deliveryTimeout);
        }
        if (maxBlock.isNegative()) throw new IllegalArgumentException("maxBlock must not be negative: " + maxBlock);
        this.producer = new KafkaProducer<>(config(bootstrapServers, maxBlock, deliveryTimeout),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The producer settings of every write to the bus: idempotent, acks=all, lz4, 5 ms linger,
     * bounded waits. Public so the ingest benchmark's raw-producer baseline uses the very same.
     */
    public static Map<String, Object> config(String bootstrapServers, Duration maxBlock, Duration deliveryTimeout) {
        // the producer requires delivery.timeout.ms >= linger.ms + request.timeout.ms
        long requestTimeout = Math.min(MAX_REQUEST_TIMEOUT.toMillis(), deliveryTimeout.toMillis() / 2);
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, deliveryTimeout.toMillis()));
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "eddy-publisher");
        return c;
    }

    /**
     * Writes the event to {@code eddy.events}: key {@link Event#partitionKey()} (UTF-8; null
     * when the event has none), value {@link EventJson#encode(Event)}, CloudEvents headers
     * ({@link CloudEventHeaders}).
     *
     * @return completes with the record's position once acknowledged by all in-sync replicas;
     *     fails with Kafka's exception otherwise. Never throws itself.
     */
    public CompletableFuture<RecordMetadata> publish(Event event) {
        try {
            String key = event.partitionKey();
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.EVENTS, null,
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    EventJson.encode(event), CloudEventHeaders.of(event));
            return send(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Keeps rejected input on {@code eddy.events.invalid}, as given: the caller puts the
     * reason into the JSON document.
     */
    public CompletableFuture<RecordMetadata> publishInvalid(byte[] keyOrNull, byte[] json) {
        return send(new ProducerRecord<>(Topics.INVALID, keyOrNull, json));
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) result.completeExceptionally(error);
                else result.complete(metadata);
            });
        } catch (RuntimeException e) {
            // send throws for a closed producer or an interrupt; callers see one failure path
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * True when the failure means Kafka cannot take writes right now (broker unreachable, no
     * leader, not enough in-sync replicas, timed out): retrying later may succeed, so ingest
     * answers 503. Looks through wrapping exceptions ({@code CompletionException} etc.).
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // TimeoutException, NetworkException, NotEnoughReplicas*, NotLeaderOrFollower,
            // LeaderNotAvailable, UnknownTopicOrPartition, ... are all retriable
            if (t instanceof RetriableException) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** Blocks until every record published so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    /** Flushes pending records, waiting at most the delivery timeout, then closes. */
    @Override
    public void close() {
        producer.close(deliveryTimeout);
    }
}
