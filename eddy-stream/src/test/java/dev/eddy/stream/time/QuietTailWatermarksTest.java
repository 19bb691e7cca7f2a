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

    private static final long WALL_CLOCK = 1_800_000_000_000L;

    private final ManualClock clock = new ManualClock();
    private final RecordingOutput output = new RecordingOutput();
    private final QuietTailWatermarks<String> generator =
            new QuietTailWatermarks<>(OUT_OF_ORDER, IDLE, clock, () -> WALL_CLOCK + clock.relativeTimeMillis());

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
    void aSplitWithoutEventsFollowsTheWallClockAfterTheTimeout() {
        clock.advanceTime(Duration.ofMillis(9_999));
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).isEmpty();

        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofSeconds(30));
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(WALL_CLOCK + 10_000 - 5_000 - 1, WALL_CLOCK + 40_000 - 5_000 - 1);
        assertThat(output.idle).as("idle everywhere would stop event time after a restore that replayed nothing").isFalse();
    }

    @Test
    void eventsAfterAnEmptyStartNeverMoveTheWatermarkBack() {
        clock.advanceTime(IDLE);
        generator.onPeriodicEmit(output);
        generator.onEvent("old", 1_000, output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(WALL_CLOCK + 10_000 - 5_000 - 1);
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
