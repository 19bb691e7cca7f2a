package dev.eddy.bench.jmh;

import dev.eddy.stream.dedup.Deduplicator;
import dev.eddy.stream.event.AnalyticsEvent;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The analytics job's dedup step on one event, through Flink's keyed operator harness on a real
 * state backend. {@code first} sends events whose key was never seen (a filter check and a state
 * write each), {@code retry} events seen before (a state read, then dropped).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DedupBenchmark {
    private static final int EVENTS = 10_000;

    @Param({"rocksdb", "hashmap"})
    public String backend;

    private KeyedOneInputStreamOperatorTestHarness<String, AnalyticsEvent, AnalyticsEvent> harness;
    private AnalyticsEvent[] events;
    private long sequence;

    @Setup(Level.Iteration)
    public void setUp() throws Exception {
        events = SampleTraffic.analyticsEvents(EVENTS).toArray(AnalyticsEvent[]::new);
        // the job's 128 key groups, each with its filters; an hour into the filters' generation,
        // past the minute in which they vouch for no key
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new Deduplicator(Duration.ofHours(24)), AnalyticsEvent::dedupKey, Types.STRING, 128, 1, 0);
        harness.setStateBackend(StateBackends.named(backend));
        harness.setProcessingTime(Duration.ofHours(1).toMillis());
        harness.setStateTtlProcessingTime(Duration.ofHours(1).toMillis());
        harness.open();
        for (AnalyticsEvent e : events) harness.processElement(new StreamRecord<>(e, e.timestampMillis()));
        harness.getOutput().clear();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws Exception {
        harness.close();
    }

    @Benchmark
    public void first() throws Exception {
        AnalyticsEvent sample = events[(int) (sequence % events.length)];
        // as long as a real key (a UUID messageId), which the filters hash
        AnalyticsEvent fresh = new AnalyticsEvent(sample.dedupKey() + sequence++, sample.series(), sample.page(), sample.userKey(),
                sample.visitorKey(), sample.funnelSteps(), sample.timestampMillis(), sample.eventJson());
        harness.processElement(new StreamRecord<>(fresh, fresh.timestampMillis()));
        harness.getOutput().clear();
    }

    @Benchmark
    public void retry() throws Exception {
        AnalyticsEvent seen = events[(int) (sequence++ % events.length)];
        harness.processElement(new StreamRecord<>(seen, seen.timestampMillis()));
    }
}
