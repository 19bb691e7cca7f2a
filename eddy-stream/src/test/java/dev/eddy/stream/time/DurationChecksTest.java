package dev.eddy.stream.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationChecksTest {

    @Test
    void notNegativeTakesZeroAndRejectsLessOrNothing() {
        assertThat(DurationChecks.notNegative(Duration.ZERO, "allowedLateness")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> DurationChecks.notNegative(Duration.ofSeconds(-1), "allowedLateness"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedLateness must not be negative: PT-1S");
        assertThatThrownBy(() -> DurationChecks.notNegative(null, "allowedLateness"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("allowedLateness");
    }

    @Test
    void positiveRejectsZeroAndLess() {
        assertThat(DurationChecks.positive(Duration.ofMillis(1), "ttl")).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> DurationChecks.positive(Duration.ZERO, "ttl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl must be positive");
        assertThatThrownBy(() -> DurationChecks.positive(Duration.ofMinutes(-2), "ttl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl must not be negative: PT-2M");
    }
}
