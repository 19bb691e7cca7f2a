package dev.eddy.handlers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handler's lanes: a thread each, which does the work handed to it one piece after the other,
 * in the order handed. A record goes to the lane of its key, so records with the same key (one
 * user's events, one series' alerts: in order within their partition) are delivered one after the
 * other in offset order, and records of other keys beside them, in other lanes.
 */
final class Lanes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final String handler;
    private final List<ExecutorService> lanes = new ArrayList<>();

    Lanes(String handler, int count) {
        this.handler = handler;
        for (int i = 0; i < count; i++) {
            String thread = "eddy-handler-" + handler + "-lane-" + i;
            lanes.add(Executors.newSingleThreadExecutor(work -> new Thread(work, thread)));
        }
    }

    /**
     * The lane of a record: by its key's bytes, or by its partition when it has no key. The key's
     * own hash, not Kafka's partitioner's (murmur2): a consumer given some of the partitions gets
     * only keys whose murmur2 is the same modulo the partition count, which would leave most
     * lanes idle.
     */
    static int laneOf(byte[] key, int partition, int count) {
        return Math.floorMod(key == null ? partition : Arrays.hashCode(key), count);
    }

    /** Queues the work on the record's lane, after what is queued there already. */
    void submit(byte[] key, int partition, Runnable work) {
        lanes.get(laneOf(key, partition, lanes.size())).execute(work);
    }

    /**
     * Drops the work not begun, interrupts the work in progress and waits for the lanes' threads
     * to end. Call it once the work was told to stop ({@link Delivery#stop()}): then every wait in
     * it ends at once.
     */
    @Override
    public void close() throws InterruptedException {
        lanes.forEach(ExecutorService::shutdownNow);
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (ExecutorService lane : lanes) {
            if (!lane.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                LOG.warn("handler {}: a lane did not end within {} s", handler, CLOSE_TIMEOUT.toSeconds());
                return;
            }
        }
    }
}
