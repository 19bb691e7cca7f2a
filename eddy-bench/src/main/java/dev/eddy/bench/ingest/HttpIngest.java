package dev.eddy.bench.ingest;

import dev.eddy.bench.eddy.EddyApi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Eddy's ingest under load: concurrent clients, each posting the next ready-made batch as soon
 * as its previous one was acknowledged.
 */
public final class HttpIngest {
    private HttpIngest() {}

    /**
     * @param batchSize events in each body, for the progress count
     * @return nanoseconds from the first request to the last acknowledgement
     */
    public static long postAll(EddyApi eddy, List<byte[]> bodies, int batchSize, int clients, LongConsumer progress)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong acknowledged = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<Void>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                        eddy.postBatch(bodies.get(i));
                        progress.accept(acknowledged.addAndGet(batchSize));
                    }
                    return null;
                }));
            }
            for (Future<Void> worker : workers) worker.get();
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }
}
