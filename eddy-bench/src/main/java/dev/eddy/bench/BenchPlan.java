package dev.eddy.bench;

import java.time.Duration;

/**
 * The sizes of one bench run.
 *
 * @param mode {@code quick} or {@code full}, recorded with the results
 * @param ingestEvents events posted to {@code /v1/batch}, and written again by the raw producer
 * @param ingestWarmupEvents events sent first over both paths, unmeasured, so the JIT and the
 *     connections are warm
 * @param ingestClients concurrent HTTP clients, each with one batch in flight
 * @param batchSize events per {@code /v1/batch} request
 * @param streamEvents events pre-filled on {@code eddy.events} for the catch-up figures
 * @param freshnessRate events per second of background traffic while freshness is measured
 * @param freshnessDuration how long that traffic runs
 * @param markerInterval how often a marker event is sent and timed
 */
public record BenchPlan(String mode, int ingestEvents, int ingestWarmupEvents, int ingestClients, int batchSize,
                        int streamEvents, double freshnessRate, Duration freshnessDuration, Duration markerInterval) {

    /** A marker about every quarter second: some 350 in a full run, 70 in a quick one, for a p99 that is not the maximum. */
    static final Duration MARKER_INTERVAL = Duration.ofMillis(250);

    public BenchPlan {
        if (ingestEvents < batchSize || ingestWarmupEvents < batchSize) {
            throw new IllegalArgumentException("ingest sizes must hold at least one batch of " + batchSize);
        }
        if (ingestClients < 1 || streamEvents < 1 || !(freshnessRate > 0)) {
            throw new IllegalArgumentException("clients, stream events and rate must be positive");
        }
    }

    /**
     * Small sizes: the whole run takes under three minutes on a 2-core machine. The JIT is still
     * busy compiling Eddy's paths after this warm-up, so its ingest figure runs low.
     */
    public static BenchPlan quick() {
        return new BenchPlan("quick", 100_000, 20_000, 8, 100, 200_000, 20_000, Duration.ofSeconds(20), MARKER_INTERVAL);
    }

    /**
     * The sizes the README's figures come from. The ingest warm-up is as long as the
     * measurement: a fresh Eddy compiles its ingest, broker and job paths for some 20 s under
     * load, and ran a third slower in the first 100,000 events than after 300,000.
     */
    public static BenchPlan full() {
        return new BenchPlan("full", 300_000, 300_000, 8, 100, 2_000_000, 20_000, Duration.ofSeconds(90), MARKER_INTERVAL);
    }
}
