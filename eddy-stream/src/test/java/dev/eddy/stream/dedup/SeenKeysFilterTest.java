package dev.eddy.stream.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SeenKeysFilterTest {

    private static final long TTL = 86_400_000L;
    /** Some time inside a generation, not at its start. */
    private static final long NOW = 20_000 * TTL + 3_600_000L;

    @Test
    void vouchesForAKeyNeverSeenAndNotForOneSeen() {
        SeenKeysFilter filter = SeenKeysFilter.empty(TTL);

        assertThat(filter.certainlyFirst(1L, NOW)).isTrue();
        assertThat(filter.certainlyFirst(2L, NOW)).isTrue();
        assertThat(filter.certainlyFirst(1L, NOW + 1)).isFalse();
    }

    @Test
    void remembersAKeyForAtLeastOneTtlThenForgetsIt() {
        SeenKeysFilter filter = SeenKeysFilter.empty(TTL);
        filter.certainlyFirst(1L, NOW);

        // one TTL on, the key's generation is the previous one: still held
        assertThat(filter.certainlyFirst(1L, NOW + TTL)).isFalse();
        // another TTL on, both generations that held it are gone (the state forgot it, too)
        SeenKeysFilter again = SeenKeysFilter.empty(TTL);
        again.certainlyFirst(1L, NOW);
        assertThat(again.certainlyFirst(1L, NOW + 2 * TTL)).isTrue();
    }

    @Test
    void neverVouchesForAKeySeenWhileItGrowsPastItsSegments() {
        SeenKeysFilter filter = SeenKeysFilter.empty(TTL);
        int keys = 400_000; // beyond the 344,064 of three segments: the last one overfills
        long vouched = LongStream.range(0, keys).filter(k -> filter.certainlyFirst(hash(k), NOW)).count();

        assertThat(LongStream.range(0, keys).filter(k -> filter.certainlyFirst(hash(k), NOW + 1)).count()).isZero();
        // each false positive is only a lookup; nearly every first sighting is spared one
        assertThat(vouched).isGreaterThan(keys * 95L / 100);
    }

    @Test
    void vouchesForNothingUntilKeysInStateItNeverSawHaveExpired() {
        SeenKeysFilter filter = SeenKeysFilter.untrusted(TTL, NOW);

        assertThat(filter.certainlyFirst(1L, NOW)).isFalse();
        assertThat(filter.certainlyFirst(2L, NOW + TTL)).isFalse();
        long twoGenerationsOn = (NOW / TTL + 2) * TTL + SeenKeysFilter.GRACE_MS;
        assertThat(filter.certainlyFirst(3L, twoGenerationsOn - 1)).isFalse();
        assertThat(filter.certainlyFirst(4L, twoGenerationsOn)).isTrue();
    }

    @Test
    void vouchesForNoKeyEarlyInAGenerationThatAStampJustAfterTheLastOneMightStillHold() {
        SeenKeysFilter filter = SeenKeysFilter.empty(TTL);
        long generationStart = (NOW / TTL + 1) * TTL;

        assertThat(filter.certainlyFirst(1L, generationStart + SeenKeysFilter.GRACE_MS - 1)).isFalse();
        assertThat(filter.certainlyFirst(2L, generationStart + SeenKeysFilter.GRACE_MS)).isTrue();
    }

    /** Spread keys, as the operator's 64-bit hashes of dedup keys are. */
    private static long hash(long key) {
        return key * 0x9E3779B97F4A7C15L;
    }
}
