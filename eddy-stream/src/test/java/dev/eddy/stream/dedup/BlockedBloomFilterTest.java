package dev.eddy.stream.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockedBloomFilterTest {

    private static final int KEYS = 100_000;

    @Test
    void aFiledKeyIsAlwaysMaybeContainedAndFilingItAgainChangesNothing() {
        BlockedBloomFilter filter = new BlockedBloomFilter(KEYS);
        SplittableRandom random = new SplittableRandom(7);
        long[] hashes = random.longs(KEYS).toArray();
        for (long hash : hashes) filter.put(hash);
        for (long hash : hashes) {
            assertThat(filter.mightContain(hash)).isTrue();
            assertThat(filter.put(hash)).isFalse();
        }
    }

    @Test
    void filledToItsSizeItMistakesUnderOnePercentOfOtherKeys() {
        BlockedBloomFilter filter = new BlockedBloomFilter(KEYS);
        SplittableRandom random = new SplittableRandom(11);
        long changed = random.longs(KEYS).filter(filter::put).count();
        long mistaken = random.longs(1_000_000).filter(filter::mightContain).count();
        // the ~0.8 % a split-block filter of 11 bits per key gives; dedup counted on 1 %
        assertThat(mistaken).isBetween(6_000L, 10_000L);
        // a put that changed nothing was a key the filter already mistook for seen
        assertThat(changed).isBetween(KEYS - 1_000L, (long) KEYS);
    }

    @Test
    void anEmptyFilterHoldsNothing() {
        BlockedBloomFilter filter = new BlockedBloomFilter(0);
        assertThat(new SplittableRandom(3).longs(10_000).anyMatch(filter::mightContain)).isFalse();
        assertThat(filter.put(42L)).isTrue();
        assertThat(filter.mightContain(42L)).isTrue();
    }

    @Test
    void aFilterBeyondAnArraysReachIsRefused() {
        assertThatThrownBy(() -> new BlockedBloomFilter(1L << 40))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("too many keys for one filter: 1099511627776");
    }
}
