package dev.eddy.bench.freshness;

import java.util.List;

/**
 * Freshness samples in milliseconds, sorted, with nearest-rank percentiles.
 *
 * @param trafficRate the background events per second actually acknowledged while they were taken
 */
public record Latencies(List<Long> sortedMillis, double trafficRate) {

    public Latencies {
        sortedMillis = sortedMillis.stream().sorted().toList();
        if (sortedMillis.isEmpty()) throw new IllegalArgumentException("no freshness samples");
    }

    /** The smallest sample at or above the fraction {@code p} of all samples. */
    public long percentile(double p) {
        int rank = (int) Math.ceil(p * sortedMillis.size());
        return sortedMillis.get(Math.max(0, rank - 1));
    }

    public long max() {
        return sortedMillis.get(sortedMillis.size() - 1);
    }
}
