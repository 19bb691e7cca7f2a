package dev.eddy.stream.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
        long twoGenerationsOn = (NOW / TTL + 2) * TTL;
        assertThat(filter.certainlyFirst(3L, twoGenerationsOn - 1)).isFalse();
        assertThat(filter.certainlyFirst(4L, twoGenerationsOn)).isTrue();
    }

    @Test
    void restoresWhatItHeld() throws IOException {
        SeenKeysFilter filter = SeenKeysFilter.empty(TTL);
        LongStream.range(0, 50_000).forEach(k -> filter.certainlyFirst(hash(k), NOW));

        SeenKeysFilter restored = SeenKeysFilter.readFrom(written(filter), TTL, NOW + 10);

        assertThat(LongStream.range(0, 50_000).filter(k -> restored.certainlyFirst(hash(k), NOW + 20)).count()).isZero();
        assertThat(restored.certainlyFirst(hash(-1), NOW + 20)).isTrue();
    }

    @Test
    void restoredUnderAnotherTtlItVouchesForNothingAtFirst() throws IOException {
        SeenKeysFilter filter = SeenKeysFilter.empty(TTL);
        filter.certainlyFirst(1L, NOW);

        long hour = 3_600_000L;
        SeenKeysFilter restored = SeenKeysFilter.readFrom(written(filter), hour, NOW);

        assertThat(restored.certainlyFirst(2L, NOW)).isFalse();
        assertThat(restored.certainlyFirst(3L, (NOW / hour + 2) * hour)).isTrue();
    }

    @Test
    void refusesAFormatItDoesNotKnow() {
        byte[] unknown = {9, 0, 0, 0};
        assertThatThrownBy(() -> SeenKeysFilter.readFrom(new DataInputStream(new ByteArrayInputStream(unknown)), TTL, NOW))
                .isInstanceOf(IOException.class)
                .hasMessage("dedup filters of an unknown format: 9");
    }

    private static DataInputStream written(SeenKeysFilter filter) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        filter.writeTo(new DataOutputStream(bytes));
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    /** Spread keys, as the operator's 64-bit hashes of dedup keys are. */
    private static long hash(long key) {
        return key * 0x9E3779B97F4A7C15L;
    }
}
