package dev.eddy.stream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MinuteWindowTest {

    @Test
    void placesTimestampsInTheirMinute() {
        assertThat(MinuteWindow.startOf(0)).isZero();
        assertThat(MinuteWindow.startOf(59_999)).isZero();
        assertThat(MinuteWindow.startOf(60_000)).isEqualTo(60_000);
        assertThat(MinuteWindow.startOf(-1)).isEqualTo(-60_000);
    }

    @Test
    void completesAtTheLastMillisecondAndExpiresAfterTheLateness() {
        assertThat(MinuteWindow.isComplete(60_000, 119_998)).isFalse();
        assertThat(MinuteWindow.isComplete(60_000, 119_999)).isTrue();
        assertThat(MinuteWindow.isTooLate(60_000, 119_999 + 999, 1_000)).isFalse();
        assertThat(MinuteWindow.isTooLate(60_000, 119_999 + 1_000, 1_000)).isTrue();
    }
}
