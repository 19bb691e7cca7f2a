package dev.eddy.bench.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.EventJson;
import dev.eddy.workload.traffic.TrafficGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulated traffic rendered ahead of time as {@code /v1/batch} bodies, so a measurement times
 * Eddy and not the rendering of its input. Bytes are kept rather than JSON trees: a few hundred
 * thousand trees would not fit the bench's heap.
 *
 * @param bodies one {@code {"batch":[…]}} per request
 * @param events messages in all bodies
 */
public record SegmentBatches(List<byte[]> bodies, int events) {

    /**
     * Timestamps are spaced as if sent at this rate from now: high, so even millions of events
     * lie within a few minutes and none is late or clamped as a future time.
     */
    static final double NOMINAL_RATE = 100_000;

    public static SegmentBatches generate(long seed, int events, int batchSize) {
        return next(traffic(seed), events, batchSize);
    }

    /** The bench's simulated traffic, from now at the {@link #NOMINAL_RATE nominal rate}. */
    public static TrafficGenerator traffic(long seed) {
        return TrafficGenerator.builder().seed(seed).start(Instant.now()).rate(NOMINAL_RATE).build();
    }

    /**
     * The generator's next {@code events} messages as bodies: a long run rendered a part at a
     * time, from one generator, keeps the profile's user population throughout.
     */
    public static SegmentBatches next(TrafficGenerator generator, int events, int batchSize) {
        List<byte[]> bodies = new ArrayList<>(events / batchSize + 1);
        for (int sent = 0; sent < events; sent += batchSize) {
            bodies.add(body(generator, Math.min(batchSize, events - sent)));
        }
        return new SegmentBatches(bodies, events);
    }

    /** The next {@code size} messages of the generator as one batch body. */
    static byte[] body(TrafficGenerator generator, int size) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode batch = root.putArray("batch");
        for (int i = 0; i < size; i++) batch.add(generator.next().json());
        try {
            return EventJson.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a generated batch is always serialisable", e);
        }
    }
}
