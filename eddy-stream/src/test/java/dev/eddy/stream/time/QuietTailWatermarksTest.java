package dev.eddy.stream.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class QuietTailWatermarksTest {

    private static final Duration OUT_OF_ORDER = Duration.ofSeconds(5);
    private static final Duration IDLE = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final RecordingOutput output = new RecordingOutput();
    private final QuietTailWatermarks<String> generator =
            new QuietTailWatermarks<>(OUT_OF_ORDER, IDLE, clock);

    @Test
    void trailsTheNewestEventByTheOutOfOrderness() {
        generator.onEvent("a", 100_000, output);
        generator.onEvent("b", 90_000, output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(100_000L - 5_000 - 1);
        assertThat(output.idle).isFalse();
    }

    @Test
    void movesOnWithTheClockOnceTheInputIsQuiet() {
        generator.onEvent("a", 100_000, output);
        clock.advanceTime(Duration.ofMillis(9_999));
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(94_999L);

        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofSeconds(60));
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(94_999L, 94_999L + 10_000, 94_999L + 70_000);
        assertThat(output.idle).as("a quiet stream keeps time moving rather than going idle").isFalse();
    }

    @Test
    void neverGoesBackWhenEventsResumeBehindTheAdvancedWatermark() {
        generator.onEvent("a", 100_000, output);
        clock.advanceTime(Duration.ofSeconds(60));
        generator.onPeriodicEmit(output);

        generator.onEvent("late", 101_000, output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(94_999L + 60_000);
    }

    @Test
    void anOutputWithoutEventsGoesIdleAfterTheTimeoutWithoutMovingEventTime() {
        clock.advanceTime(Duration.ofMillis(9_999));
        generator.onPeriodicEmit(output);
        assertThat(output.idle).isFalse();

        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofMinutes(30));
        generator.onPeriodicEmit(output);

        assertThat(output.idle).isTrue();
        assertThat(output.watermarks).as("no time to anchor to, so none: not the wall clock").isEmpty();
    }

    @Test
    void eventsAfterAnEmptyStartTakeEventTimeFromThemselves() {
        clock.advanceTime(Duration.ofMinutes(5));
        generator.onPeriodicEmit(output);
        generator.onEvent("hours old", 1_000_000, output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(1_000_000L - 5_000 - 1);
        assertThat(output.idle).isFalse();
    }

    private static final class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
