package dev.eddy.bench.stream;

import dev.eddy.bench.ingest.CanonicalRecords;
import dev.eddy.bench.ingest.RawProducer;
import dev.eddy.bench.ingest.SegmentBatches;
import dev.eddy.model.Event;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.workload.traffic.TrafficGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Fills {@code eddy.events} with simulated traffic's canonical records, a chunk at a time so a
 * few million events need little memory, and tells what the analytics job should make of them.
 * The chunks come from one generator: the whole pre-fill is one run of the traffic profile, its
 * user population included, as the ingest and freshness traffic are.
 */
public final class TopicPrefill {
    private static final int CHUNK = 10_000;

    /**
     * @param events records written
     * @param counted of those, the events the per-minute view counts (not identify calls)
     * @param from the earliest event time
     * @param to the latest event time
     */
    public record Prefill(int events, long counted, Instant from, Instant to) {}

    private TopicPrefill() {}

    public static Prefill write(String bootstrap, int events, long seed, int batchSize, LongConsumer progress) {
        CanonicalRecords canonical = new CanonicalRecords("eddy-bench");
        long counted = 0;
        Instant from = Instant.MAX;
        Instant to = Instant.MIN;
        TrafficGenerator traffic = SegmentBatches.traffic(seed);
        try (RawProducer producer = new RawProducer(bootstrap)) {
            for (int written = 0; written < events; ) {
                int size = Math.min(CHUNK, events - written);
                List<ProducerRecord<byte[], byte[]>> chunk = new ArrayList<>(size);
                for (byte[] body : SegmentBatches.next(traffic, size, batchSize).bodies()) {
                    for (Event e : canonical.events(body)) {
                        chunk.add(CanonicalRecords.record(e));
                        if (AnalyticsEvent.seriesOf(e) != null) counted++;
                        if (e.timestamp().isBefore(from)) from = e.timestamp();
                        if (e.timestamp().isAfter(to)) to = e.timestamp();
                    }
                }
                producer.sendAll(chunk, n -> { });
                written += size;
                progress.accept(written);
            }
        }
        return new Prefill(events, counted, from, to);
    }
}
