package dev.eddy.bench.freshness;

import dev.eddy.bench.eddy.EddyApi;
import dev.eddy.workload.TrafficRun;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * How fresh the views are under load: simulated traffic at a fixed rate, and every quarter second
 * or so a marker event. A marker's freshness is the time from Eddy acknowledging it to the query
 * API showing it; the view is polled every {@value #POLL_MILLIS} ms, which bounds the resolution.
 *
 * <p>The markers of a run are one series, sent one after the other by one user (so one partition,
 * in order): marker k is visible once the series counts k. The poll then reads one series, not
 * every marker's, so that it asks no more of Eddy with hundreds of markers than with one; and
 * hundreds there must be, for a 99th percentile that is not simply the slowest marker.
 */
public final class FreshnessProbe {
    static final long POLL_MILLIS = 20;
    private static final Duration MARKERS_AFTER = Duration.ofSeconds(2);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    private final EddyApi eddy;
    private final URI url;
    private final String writeKey;
    private final String series = "bench.marker." + UUID.randomUUID().toString().substring(0, 8);
    /** When each marker was acknowledged (nanoTime), in the order sent: marker k at index k - 1. */
    private final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    /** Milliseconds from acknowledgement to visible, of the markers seen so far, in the order sent. */
    private final List<Long> visible = new CopyOnWriteArrayList<>();
    private final AtomicReference<Exception> markerFailure = new AtomicReference<>();
    private volatile boolean markersDone;

    public FreshnessProbe(EddyApi eddy, URI url, String writeKey) {
        this.eddy = eddy;
        this.url = url;
        this.writeKey = writeKey;
    }

    /**
     * Sends {@code rate} events per second for {@code duration} (stopping then even when Eddy
     * could not take them all) and a marker about every {@code markerInterval}, then waits until
     * every marker is visible.
     *
     * @param clients batches in flight at once: enough that the rate does not wait on Eddy's
     *     answer to each batch (at 20,000 events/s in batches of 100, 4 leave 20 ms for each)
     * @param progress told the background events acknowledged so far
     */
    public Latencies measure(double rate, int clients, Duration duration, Duration markerInterval, LongConsumer progress)
            throws Exception {
        Instant from = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        TrafficRun traffic = TrafficRun.builder(url, writeKey).seed(11).rate(rate).concurrency(clients).duration(duration)
                .recordTruth(false).progress((done, total) -> progress.accept(done)).build();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        ScheduledThreadPoolExecutor markers = new ScheduledThreadPoolExecutor(1);
        // no marker once the traffic is over
        markers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        try {
            Future<TrafficRun.Result> sent = threads.submit(traffic::run);
            Future<?> poller = threads.submit(() -> poll(from));
            // an Eddy that cannot take the rate would leave the sender ever further behind: end on time
            markers.schedule(traffic::stop, duration.toMillis(), TimeUnit.MILLISECONDS);
            Random gaps = new Random(series.hashCode());
            markers.schedule(() -> markEvery(markers, markerInterval, gaps, 0), MARKERS_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            TrafficRun.Result result = sent.get();
            markers.shutdown();
            markers.awaitTermination(1, TimeUnit.MINUTES);
            markersDone = true;
            poller.get();
            if (markerFailure.get() != null) throw markerFailure.get();
            if (visible.size() < acknowledged.size()) {
                throw new IllegalStateException((acknowledged.size() - visible.size()) + " of " + acknowledged.size()
                        + " markers not visible " + SETTLE_TIMEOUT.toSeconds() + " s after the traffic ended");
            }
            double seconds = result.summary().elapsed().toNanos() / 1e9;
            return new Latencies(new ArrayList<>(visible), result.summary().acknowledged() / seconds);
        } finally {
            markers.shutdownNow();
            threads.shutdownNow();
        }
    }

    /**
     * Sends marker {@code number}, then the next after a random gap of half to one and a half
     * intervals. Markers a fixed second apart would all meet the view's once-a-second updates at
     * the same phase, and the percentiles would be of that one phase, drawn anew by each run.
     */
    private void markEvery(ScheduledExecutorService markers, Duration interval, Random gaps, long number) {
        sendMarker(number);
        long gap = (long) (interval.toMillis() * (0.5 + gaps.nextDouble()));
        try {
            markers.schedule(() -> markEvery(markers, interval, gaps, number + 1), gap, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException trafficOver) {
            // shut down: the traffic has ended
        }
    }

    private void sendMarker(long number) {
        String body = "{\"batch\":[{\"type\":\"track\",\"event\":\"" + series + "\",\"userId\":\"eddy-bench\",\"messageId\":\""
                + UUID.randomUUID() + "\",\"timestamp\":\"" + Instant.now() + "\"}]}";
        try {
            eddy.postBatch(body.getBytes(StandardCharsets.UTF_8));
            acknowledged.add(System.nanoTime());
        } catch (Exception e) {
            markerFailure.compareAndSet(null, e);
            throw new IllegalStateException("marker " + number + " was not acknowledged", e);
        }
    }

    /**
     * Polls the view at a fixed rate until the markers have ended and each is visible, or the
     * settle timeout. A marker turned visible at some moment during the query that showed it:
     * taken as the query's midpoint.
     */
    private Void poll(Instant from) throws Exception {
        long settleDeadline = Long.MAX_VALUE;
        long next = System.nanoTime();
        while (true) {
            long asked = System.nanoTime();
            long counted = eddy.count(from, Instant.now().plus(2, ChronoUnit.MINUTES), series);
            long seenAt = asked + (System.nanoTime() - asked) / 2;
            for (int k = visible.size(); k < Math.min(counted, acknowledged.size()); k++) {
                visible.add(Math.max(0, TimeUnit.NANOSECONDS.toMillis(seenAt - acknowledged.get(k))));
            }
            long now = System.nanoTime();
            if (markersDone) {
                if (settleDeadline == Long.MAX_VALUE) settleDeadline = now + SETTLE_TIMEOUT.toNanos();
                if (visible.size() == acknowledged.size() || now > settleDeadline) return null;
            }
            next += TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
            if (next > now) TimeUnit.NANOSECONDS.sleep(next - now);
            else next = now;
        }
    }
}
