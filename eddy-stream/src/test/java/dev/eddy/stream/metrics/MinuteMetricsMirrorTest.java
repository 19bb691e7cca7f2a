package dev.eddy.stream.metrics;

import static dev.eddy.stream.event.TestEvents.analyticsTrack;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.stream.event.AnalyticsEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The figures do not depend on what the function's {@link WindowMirror} holds: all windows, a few
 * (the oldest dropped as users come), or none, across a restore that empties it, on both backends.
 */
class MinuteMetricsMirrorTest {

    private static final Duration LATENESS = Duration.ofMinutes(10);
    private static final long OUT_OF_ORDERNESS_MS = 5_000;
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long START = 1_699_999_980_000L;
    private static final int EVENTS = 3_000;
    private static final String[] SERIES = {"Signed Up", "Clicked", "page"};

    private final List<MinuteMetric> emitted = new ArrayList<>();
    private long processingTime;

    @ParameterizedTest(name = "{0}, mirror of {1}")
    @CsvSource({"hashmap, 1", "hashmap, 40", "hashmap, 100000", "rocksdb, 1", "rocksdb, 40", "rocksdb, 100000"})
    void countsExactlyWhateverTheMirrorHolds(String backend, int capacity) throws Exception {
        Random random = new Random(7);
        Map<WindowKey, Long> counts = new HashMap<>();
        Map<WindowKey, Set<String>> users = new HashMap<>();
        KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> harness =
                open(backend, capacity, null);
        long maxTimestamp = START;
        for (int i = 0; i < EVENTS; i++) {
            // about four minutes of traffic, each event up to the out-of-orderness behind the newest
            long timestamp = Math.max(START, START + i * 80L - random.nextInt((int) OUT_OF_ORDERNESS_MS));
            String user = random.nextInt(10) == 0 ? null : "user-" + random.nextInt(60);
            AnalyticsEvent event = analyticsTrack("m" + i, SERIES[random.nextInt(SERIES.length)], user, timestamp);
            WindowKey key = WindowKey.of(event);
            counts.merge(key, 1L, Long::sum);
            Set<String> windowUsers = users.computeIfAbsent(key, k -> new HashSet<>());
            if (event.userKey() != null) windowUsers.add(event.userKey());

            harness.processElement(event, timestamp);
            maxTimestamp = Math.max(maxTimestamp, timestamp);
            if (i % 100 == 99) harness.processWatermark(maxTimestamp - OUT_OF_ORDERNESS_MS - 1);
            if (i % 250 == 249) tick(harness);
            if (i == EVENTS / 2) {
                // as a task does at every checkpoint: the operator writes its state behind
                harness.prepareSnapshotPreBarrier(1);
                OperatorSubtaskState snapshot = harness.snapshot(1, processingTime);
                drain(harness);
                harness.close();
                harness = open(backend, capacity, snapshot);
            }
        }
        tick(harness);
        harness.processWatermark(Long.MAX_VALUE);
        drain(harness);

        Map<WindowKey, MinuteMetric> last = new HashMap<>();
        for (MinuteMetric row : emitted) last.put(new WindowKey(row.event(), row.start().toEpochMilli()), row);
        assertThat(last).hasSameSizeAs(counts);
        counts.forEach((key, count) -> assertThat(last.get(key)).as(key.toString()).isEqualTo(new MinuteMetric(
                Instant.ofEpochMilli(key.minuteStart()), key.series(), count, users.get(key).size(), true)));
        assertThat(harness.numEventTimeTimers() + harness.numProcessingTimeTimers()).isZero();
        // only the heap backend can count its entries
        if (backend.equals("hashmap")) assertThat(harness.numKeyedStateEntries()).isZero();
        harness.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> open(
            String backend, int capacity, OperatorSubtaskState restore) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new MinuteMetricsOperator(LATENESS, Duration.ofSeconds(1), capacity),
                WindowKey::of,
                TypeInformation.of(WindowKey.class));
        harness.setStateBackend(stateBackend(backend));
        harness.setProcessingTime(processingTime);
        if (restore != null) harness.initializeState(restore);
        harness.open();
        return harness;
    }

    private static StateBackend stateBackend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    private void tick(KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> harness)
            throws Exception {
        processingTime += 1_000;
        harness.setProcessingTime(processingTime);
        drain(harness);
    }

    private void drain(KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> harness) {
        emitted.addAll(harness.extractOutputValues());
        harness.getOutput().clear();
    }
}
