package dev.eddy.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.ingest.IngestJson;
import dev.eddy.model.ingest.MappedEvent;
import dev.eddy.model.ingest.SegmentMapping;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One event through ingest and the job's source: validating and mapping a Segment message,
 * encoding the canonical event for Kafka, decoding it in the job, and a whole batch of 100.
 * Cycles through distinct generated events so no branch is trained on a single input.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventCodecBenchmark {
    private static final int EVENTS = 1_000;

    private final SegmentMapping mapping = new SegmentMapping(EddyConfig.defaults().ingest().maxFutureSkew());
    private final Instant receivedAt = Instant.now();
    private Event[] events;
    private byte[][] encoded;
    private ObjectNode[] tracks;
    private byte[] batch;
    private int next;

    @Setup
    public void setUp() throws IOException {
        List<Event> sample = SampleTraffic.events(EVENTS);
        events = sample.toArray(Event[]::new);
        encoded = sample.stream().map(EventJson::encode).toArray(byte[][]::new);
        batch = SampleTraffic.batches(SampleTraffic.BATCH_SIZE).bodies().get(0);
        tracks = sample.stream().filter(e -> e.type() == EventType.TRACK).map(e -> {
            ObjectNode message = EventJson.MAPPER.createObjectNode();
            message.put("messageId", e.messageId()).put("event", e.event()).put("timestamp", e.timestamp().toString());
            if (e.userId() != null) message.put("userId", e.userId());
            if (e.anonymousId() != null) message.put("anonymousId", e.anonymousId());
            message.set("properties", e.properties());
            message.set("context", e.context());
            return message;
        }).toArray(ObjectNode[]::new);
    }

    private int next(int length) {
        next = next + 1 == length ? 0 : next + 1;
        return next;
    }

    @Benchmark
    public Event decode() throws IOException {
        return EventJson.decode(encoded[next(encoded.length)]);
    }

    @Benchmark
    public byte[] encode() {
        return EventJson.encode(events[next(events.length)]);
    }

    /** {@code /v1/track}: the field checks and the mapping onto the canonical event. */
    @Benchmark
    public List<MappedEvent> validate() {
        return mapping.single(EventType.TRACK, tracks[next(tracks.length)], SampleTraffic.WRITE_KEY, receivedAt);
    }

    /** {@code /v1/batch} of 100: parsing the body and mapping every message. */
    @Benchmark
    public List<MappedEvent> mapBatch() throws IOException {
        JsonNode body = IngestJson.read(batch);
        return mapping.batch(body, SampleTraffic.WRITE_KEY, receivedAt);
    }
}
