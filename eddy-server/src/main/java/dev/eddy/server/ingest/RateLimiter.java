package dev.eddy.server.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Events per second per write key, as a token bucket holding one second of burst. A limit of 0
 * means no limit. A request is taken whole or refused whole, so a client's retry resends it
 * unchanged; a request larger than one second's worth is taken when the bucket is full, and the
 * tokens it overdraws are paid back over the following time.
 */
final class RateLimiter {
    private final int eventsPerSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(int eventsPerSecond) {
        this.eventsPerSecond = eventsPerSecond;
    }

    boolean tryAcquire(String key, int events, long nowNanos) {
        if (eventsPerSecond <= 0) return true;
        return buckets.computeIfAbsent(key, k -> new Bucket(eventsPerSecond, nowNanos)).take(events, nowNanos);
    }

    private static final class Bucket {
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(int rate, long now) {
            this.capacity = rate;
            this.tokens = rate;
            this.last = now;
        }

        synchronized boolean take(int n, long now) {
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * capacity);
            last = now;
            // a request larger than the whole bucket needs a full bucket, rather than never fitting
            if (tokens < Math.min(n, capacity)) return false;
            tokens -= n;
            return true;
        }
    }
}
