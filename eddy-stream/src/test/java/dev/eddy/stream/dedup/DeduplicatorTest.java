package dev.eddy.stream.dedup;

import static dev.eddy.stream.event.TestEvents.analyticsTrack;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.stream.event.AnalyticsEvent;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {

    private static final Duration TTL = Duration.ofHours(24);

    private KeyedOneInputStreamOperatorTestHarness<String, AnalyticsEvent, AnalyticsEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new Deduplicator(TTL)), AnalyticsEvent::dedupKey, Types.STRING);
        harness.setStateTtlProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void dropsRetriesOfTheSameEvent() throws Exception {
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);
        harness.processElement(analyticsTrack("m2", "Signed Up", "bob", 1_500), 1_500);
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);
        harness.processElement(analyticsTrack("m2", "Signed Up", "bob", 1_500), 1_500);

        assertThat(harness.extractOutputValues())
                .extracting(AnalyticsEvent::dedupKey)
                .containsExactly("m1", "m2");
    }

    @Test
    void forgetsAKeyAfterItsTtl() throws Exception {
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);

        harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);
        assertThat(harness.extractOutputValues()).hasSize(1);

        harness.setStateTtlProcessingTime(TTL.toMillis());
        harness.processElement(analyticsTrack("m1", "Signed Up", "alice", 1_000), 1_000);
        assertThat(harness.extractOutputValues()).extracting(AnalyticsEvent::dedupKey).containsExactly("m1", "m1");
    }

    @Test
    void leavesNoStateOnceTheTtlPassed() throws Exception {
        for (int i = 0; i < 3; i++) {
            harness.processElement(analyticsTrack("m" + i, "Signed Up", "alice", 1_000), 1_000);
        }
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.setStateTtlProcessingTime(TTL.toMillis());
        // expired entries go lazily (Flink's default background cleanup): state accesses sweep them
        for (int i = 0; i < 10; i++) {
            harness.processElement(analyticsTrack("m-new", "Signed Up", "alice", 1_000), 1_000);
        }

        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
