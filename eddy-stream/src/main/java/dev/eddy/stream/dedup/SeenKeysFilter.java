package dev.eddy.stream.dedup;

import java.util.ArrayList;
import java.util.List;

/**
 * The dedup keys of one key group seen within the TTL, as Bloom filters on the heap, in front of
 * the state that remembers them exactly. A key the filters have not seen is certainly a first
 * sighting, so dedup need not look it up; a key they may have seen is looked up. The filters
 * therefore never change what dedup lets through, only how often it reads its state: on RocksDB
 * a first sighting is a lookup that misses, which RocksDB must rule out in its memtable and in
 * the filter of every file, and it was most of dedup's cost.
 *
 * <p>Keys are filed in generations one TTL long, by processing time as the state's TTL is: a key
 * is remembered for one TTL from its first sighting, so the current and the previous generation
 * hold every key the state still remembers, and older generations are dropped. The state stamps a
 * key a moment after the filters file it (a lookup, a pause of the JVM later), so a key filed just
 * before a generation's end may outlive, in the state, the generation after: for the first
 * {@value #GRACE_MS} ms of each generation the filters vouch for no key. A generation grows in
 * segments, each {@value #GROWTH} times the size of the one before, so a key group's traffic need
 * not be known ahead; past {@value #MAX_SEGMENTS} segments the last one fills beyond its capacity
 * and more keys are looked up (its false positives rise), never fewer.
 *
 * <p>Filters for a key group whose state holds keys they never saw (a restore of more keys than
 * dedup files into them) vouch for no key until those keys have expired, two generations on.
 */
final class SeenKeysFilter {

    /**
     * Keys of a generation's first segment: 22 KB at under 1 % false positives
     * ({@link BlockedBloomFilter}); 2.9 MB per generation for the 128 key groups of a job, which hold
     * 2M keys per TTL before second segments are needed. A generation's three segments hold 344,064
     * keys in 473 KB: 44M keys per TTL in 61 MB for 128 key groups, twice that with the previous
     * generation.
     */
    static final long FIRST_SEGMENT_KEYS = 16_384;
    static final int GROWTH = 4;
    static final int MAX_SEGMENTS = 3;
    /** Longer than the state's stamp can trail the filing of a key, by far. */
    static final long GRACE_MS = 60_000;

    private final long ttlMillis;
    /** The first generation in which the filters hold every key of the state. */
    private final long trustedFrom;
    private Generation current = Generation.none();
    private Generation previous = Generation.none();

    private SeenKeysFilter(long ttlMillis, long trustedFrom) {
        this.ttlMillis = ttlMillis;
        this.trustedFrom = trustedFrom;
    }

    /** For a key group whose state holds no key. */
    static SeenKeysFilter empty(long ttlMillis) {
        return new SeenKeysFilter(ttlMillis, Long.MIN_VALUE);
    }

    /** For a key group whose state may hold keys the filters never saw. */
    static SeenKeysFilter untrusted(long ttlMillis, long nowMillis) {
        return new SeenKeysFilter(ttlMillis, generation(nowMillis, ttlMillis) + 2);
    }

    /**
     * Files a sighting of a key, by a 64-bit hash of it, and says whether it is certainly the
     * key's first within the TTL. False means it may not be: look the key up.
     */
    boolean certainlyFirst(long keyHash, long nowMillis) {
        long generation = generation(nowMillis, ttlMillis);
        if (generation > current.index) {
            previous = generation == current.index + 1 ? current : Generation.none();
            current = new Generation(generation, new ArrayList<>());
        }
        boolean maybeSeenBefore = previous.mightContain(keyHash);
        boolean newToCurrent = current.add(keyHash);
        return newToCurrent && !maybeSeenBefore && generation >= trustedFrom
                && nowMillis - generation * ttlMillis >= GRACE_MS;
    }

    private static long generation(long nowMillis, long ttlMillis) {
        return Math.floorDiv(nowMillis, ttlMillis);
    }

    /** The keys first seen in one TTL-long stretch of processing time. */
    private record Generation(long index, List<Segment> segments) {

        static Generation none() {
            return new Generation(Long.MIN_VALUE, List.of());
        }

        boolean mightContain(long keyHash) {
            for (Segment segment : segments) {
                if (segment.keys.mightContain(keyHash)) {
                    return true;
                }
            }
            return false;
        }

        /** Adds a key to the newest segment; true if the generation certainly did not hold it. */
        boolean add(long keyHash) {
            if (segments.isEmpty()) {
                segments.add(new Segment(FIRST_SEGMENT_KEYS));
            }
            int newest = segments.size() - 1;
            boolean maybeHeld = false;
            for (int i = 0; i < newest && !maybeHeld; i++) {
                maybeHeld = segments.get(i).keys.mightContain(keyHash);
            }
            Segment segment = segments.get(newest);
            boolean added = segment.add(keyHash);
            if (segment.isFull() && segments.size() < MAX_SEGMENTS) {
                segments.add(new Segment(segment.capacity * GROWTH));
            }
            return added && !maybeHeld;
        }
    }

    /** One Bloom filter and how many keys it was sized for and holds. */
    private static final class Segment {
        final long capacity;
        final BlockedBloomFilter keys;
        long added;

        Segment(long capacity) {
            this.capacity = capacity;
            this.keys = new BlockedBloomFilter(capacity);
        }

        /** True if the filter certainly did not hold the key (its bits changed). */
        boolean add(long keyHash) {
            boolean changed = keys.put(keyHash);
            if (changed) {
                added++;
            }
            return changed;
        }

        boolean isFull() {
            return added >= capacity;
        }
    }
}
