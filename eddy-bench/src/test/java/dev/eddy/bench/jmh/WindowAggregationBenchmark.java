package dev.eddy.bench.jmh;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.metrics.MinuteMetricsOperator;
import dev.eddy.stream.metrics.WindowKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
 * The per-minute count and distinct users on one event, through Flink's keyed operator harness
 * on a real state backend: the window and user looked up in the operator's heap copy of its
 * state, and the state written behind, as before a checkpoint barrier, once per pass over the
 * sample, as checkpoints every 2 s would at 5,000 events/s per instance. Processing time stands
 * still, so the update timers never fire.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WindowAggregationBenchmark {
    private static final int EVENTS = 10_000;

    @Param({"rocksdb", "hashmap"})
    public String backend;

    private KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> harness;
    private AnalyticsEvent[] events;
    private int next;
    private long checkpoint;

    @Setup(Level.Iteration)
    public void setUp() throws Exception {
        events = SampleTraffic.analyticsEvents(EVENTS).toArray(AnalyticsEvent[]::new);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new MinuteMetricsOperator(Duration.ofHours(1), Duration.ofSeconds(1)),
                WindowKey::of, TypeInformation.of(WindowKey.class));
        harness.setStateBackend(StateBackends.named(backend));
        harness.setProcessingTime(0);
        harness.open();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws Exception {
        harness.close();
    }

    @Benchmark
    public void add() throws Exception {
        AnalyticsEvent e = events[next];
        harness.processElement(new StreamRecord<>(e, e.timestampMillis()));
        if (++next == events.length) {
            next = 0;
            harness.prepareSnapshotPreBarrier(++checkpoint);
        }
    }
}
