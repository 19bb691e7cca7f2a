package dev.eddy.bench.ingest;

import dev.eddy.bus.publish.EventPublisher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ingest baseline: a bare Kafka producer with {@link EventPublisher#config}'s settings
 * (idempotent, acks=all, lz4, linger 5 ms) writing ready-made records as fast as the broker
 * takes them. No HTTP, no parsing, no mapping: the limit of the bus on this machine.
 */
public final class RawProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    public RawProducer(String bootstrap) {
        Map<String, Object> config = new HashMap<>(EventPublisher.config(bootstrap,
                EventPublisher.DEFAULT_MAX_BLOCK, EventPublisher.DEFAULT_DELIVERY_TIMEOUT));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "eddy-bench-raw");
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends every record and waits until all are acknowledged.
     *
     * @param progress told the number of records sent so far, now and then
     * @return nanoseconds from the first send to the last acknowledgement
     * @throws IllegalStateException when any record failed
     */
    public long sendAll(List<ProducerRecord<byte[], byte[]>> records, LongConsumer progress) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        for (int i = 0; i < records.size(); i++) {
            producer.send(records.get(i), (metadata, error) -> {
                if (error != null) failure.compareAndSet(null, error);
            });
            if (i % 10_000 == 0) progress.accept(i);
        }
        producer.flush();
        long elapsed = System.nanoTime() - start;
        progress.accept(records.size());
        if (failure.get() != null) throw new IllegalStateException("the raw producer failed", failure.get());
        return elapsed;
    }

    @Override
    public void close() {
        producer.close();
    }
}
