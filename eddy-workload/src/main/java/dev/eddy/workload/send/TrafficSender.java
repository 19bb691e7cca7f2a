package dev.eddy.workload.send;

import dev.eddy.workload.traffic.SegmentMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends messages from a source in Segment batches at a target rate, with a bounded number of
 * batches in flight, each retried by the {@link SegmentClient} until acknowledged.
 *
 * <p>Pacing is a schedule, token-bucket style: message {@code i} is due {@code i / rate} after
 * the start, and a batch leaves when its last message is due. A sender that fell behind (server
 * slow or retrying) catches up as fast as the in-flight limit allows. Batches hold at most
 * {@code rate × maxBatchSpan} messages, so at low rates events still leave within a second of
 * their timestamp. Batch boundaries depend only on the settings, never on timing.
 *
 * <p>To exercise dedup, a fraction of acknowledged batches can be sent once more, unchanged;
 * which ones is fixed: batch {@code k} is repeated when {@code floor((k+1)·f) > floor(k·f)}.
 *
 * <p>One run at a time. {@link #stop()} ends the current run after its in-flight batches and
 * makes later runs return at once.
 */
public final class TrafficSender {

    private final SegmentClient client;
    private final double rate;
    private final int batchSize;
    private final int concurrency;
    private final double duplicateFraction;
    private final SendProgress progress;
    private volatile boolean stopRequested;
    private volatile Thread dispatcher;

    private TrafficSender(Builder b) {
        this.client = b.client;
        this.rate = b.rate;
        this.concurrency = b.concurrency;
        this.duplicateFraction = b.duplicateFraction;
        this.progress = b.progress;
        this.batchSize = paced()
                ? (int) Math.max(1, Math.min(b.batchSize, Math.floor(b.rate * b.maxBatchSpan.toNanos() / 1e9)))
                : b.batchSize;
    }

    public static Builder builder(SegmentClient client) {
        return new Builder(client);
    }

    /** Messages per batch after the rate cap. */
    public int batchSize() {
        return batchSize;
    }

    /** Sends exactly {@code count} messages (fewer if the source ends or the run is stopped). */
    public synchronized SendSummary send(Iterator<SegmentMessage> source, long count) throws InterruptedException {
        if (count < 0) throw new IllegalArgumentException("count must not be negative: " + count);
        return run(source, count, count, Long.MAX_VALUE);
    }

    /**
     * Sends for {@code duration}. When paced, that is the messages due within it,
     * {@code ceil(rate × duration)}, so the run's content does not depend on server speed;
     * unpaced, whatever fits in that wall-clock time.
     */
    public synchronized SendSummary sendFor(Iterator<SegmentMessage> source, Duration duration)
            throws InterruptedException {
        if (duration.isNegative()) throw new IllegalArgumentException("duration must not be negative");
        if (paced()) {
            long count = (long) Math.ceil(rate * duration.toNanos() / 1e9);
            return run(source, count, count, Long.MAX_VALUE);
        }
        return run(source, Long.MAX_VALUE, -1, duration.toNanos());
    }

    /** Sends until {@link #stop()}, an interrupt, or the end of the source. */
    public synchronized SendSummary sendUntilStopped(Iterator<SegmentMessage> source) throws InterruptedException {
        return run(source, Long.MAX_VALUE, -1, Long.MAX_VALUE);
    }

    /** Ends the current run once its in-flight batches are acknowledged; safe from any thread. */
    public void stop() {
        stopRequested = true;
        Thread running = dispatcher;
        if (running != null) LockSupport.unpark(running);
    }

    private boolean paced() {
        return rate != Double.POSITIVE_INFINITY;
    }

    private SendSummary run(Iterator<SegmentMessage> source, long maxCount, long total, long wallLimitNanos)
            throws InterruptedException {
        Objects.requireNonNull(source, "source");
        Run run = new Run(total);
        Semaphore inFlight = new Semaphore(concurrency);
        ExecutorService workers = Executors.newFixedThreadPool(concurrency, daemonThreads());
        long start = System.nanoTime();
        dispatcher = Thread.currentThread();
        boolean interrupted = false;
        try {
            long taken = 0;
            for (long batchIndex = 0; taken < maxCount && source.hasNext(); batchIndex++) {
                int size = (int) Math.min(batchSize, maxCount - taken);
                long due = start + (paced() ? Math.round((taken + size - 1) * 1e9 / rate) : 0);
                if (!awaitDue(due) || run.failure.get() != null || System.nanoTime() - start >= wallLimitNanos) break;
                inFlight.acquire();
                if (run.failure.get() != null) {
                    inFlight.release();
                    break;
                }
                List<SegmentMessage> batch = new ArrayList<>(size);
                while (batch.size() < size && source.hasNext()) batch.add(source.next());
                taken += batch.size();
                run.sent.addAndGet(batch.size());
                long index = batchIndex;
                workers.execute(() -> {
                    try {
                        deliver(batch, index, run);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            interrupted = true;
            throw e;
        } finally {
            dispatcher = null;
            // a failed or interrupted run is over: in-flight retries are cut short
            if (interrupted || run.failure.get() != null) workers.shutdownNow();
            else workers.shutdown();
            awaitTermination(workers);
        }
        if (run.failure.get() != null) throw run.failure.get();
        return run.summary(System.nanoTime() - start);
    }

    private void deliver(List<SegmentMessage> batch, long index, Run run) {
        try {
            run.acknowledged(batch.size(), client.post(batch).attempts());
            if (repeats(index)) {
                BatchAck again = client.post(batch);
                run.duplicated(batch.size(), again.attempts());
            }
        } catch (SendFailedException e) {
            run.failure.compareAndSet(null, e);
            stopDispatcher();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean repeats(long batchIndex) {
        return Math.floor((batchIndex + 1) * duplicateFraction) > Math.floor(batchIndex * duplicateFraction);
    }

    /** @return false when the run was stopped before the due time */
    private boolean awaitDue(long dueNanos) throws InterruptedException {
        while (!stopRequested) {
            long wait = dueNanos - System.nanoTime();
            if (wait <= 0) return true;
            LockSupport.parkNanos(this, wait);
            if (Thread.interrupted()) throw new InterruptedException();
        }
        return false;
    }

    private void stopDispatcher() {
        Thread running = dispatcher;
        if (running != null) LockSupport.unpark(running);
    }

    private static void awaitTermination(ExecutorService workers) {
        boolean interrupted = false;
        while (true) {
            try {
                if (workers.awaitTermination(1, TimeUnit.DAYS)) break;
            } catch (InterruptedException e) {
                interrupted = true;
                workers.shutdownNow();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "eddy-sender-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Counters of one run, shared by the dispatcher and the workers. */
    private final class Run {
        private final long total;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong requests = new AtomicLong();
        private final AtomicLong retries = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();
        private final AtomicReference<SendFailedException> failure = new AtomicReference<>();
        private long acknowledged;

        Run(long total) {
            this.total = total;
        }

        void acknowledged(int messages, int attempts) {
            count(attempts);
            synchronized (this) {
                acknowledged += messages;
                progress.update(acknowledged, total);
            }
        }

        void duplicated(int messages, int attempts) {
            count(attempts);
            duplicates.addAndGet(messages);
        }

        private void count(int attempts) {
            requests.addAndGet(attempts);
            retries.addAndGet(attempts - 1);
        }

        synchronized SendSummary summary(long elapsedNanos) {
            return new SendSummary(sent.get(), acknowledged, requests.get(), retries.get(), duplicates.get(),
                    Duration.ofNanos(elapsedNanos));
        }
    }

    /** Rate, batching, concurrency, duplicates and progress; defaults: 100 events/s, batches of 100, 4 in flight. */
    public static final class Builder {
        private final SegmentClient client;
        private double rate = 100;
        private int batchSize = 100;
        private Duration maxBatchSpan = Duration.ofSeconds(1);
        private int concurrency = 4;
        private double duplicateFraction;
        private SendProgress progress = SendProgress.NONE;

        private Builder(SegmentClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** Target events per second; {@link Double#POSITIVE_INFINITY} sends as fast as the server acknowledges. */
        public Builder rate(double eventsPerSecond) {
            if (!(eventsPerSecond > 0)) throw new IllegalArgumentException("rate must be positive: " + eventsPerSecond);
            this.rate = eventsPerSecond;
            return this;
        }

        /** Sends as fast as the server acknowledges, in full batches. */
        public Builder unpaced() {
            return rate(Double.POSITIVE_INFINITY);
        }

        public Builder batchSize(int messages) {
            if (messages < 1) throw new IllegalArgumentException("batchSize must be at least 1: " + messages);
            this.batchSize = messages;
            return this;
        }

        /** Longest stretch of paced traffic one batch may hold; default 1 s. */
        public Builder maxBatchSpan(Duration span) {
            if (span.isNegative() || span.isZero()) throw new IllegalArgumentException("maxBatchSpan must be positive");
            this.maxBatchSpan = span;
            return this;
        }

        /** Batches in flight at once; default 4. */
        public Builder concurrency(int batches) {
            if (batches < 1) throw new IllegalArgumentException("concurrency must be at least 1: " + batches);
            this.concurrency = batches;
            return this;
        }

        /** Share of acknowledged batches sent once more with the same messageIds; default 0. */
        public Builder duplicateFraction(double fraction) {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("duplicateFraction must be in [0, 1]: " + fraction);
            }
            this.duplicateFraction = fraction;
            return this;
        }

        public Builder progress(SendProgress listener) {
            this.progress = Objects.requireNonNull(listener, "progress");
            return this;
        }

        public TrafficSender build() {
            return new TrafficSender(this);
        }
    }
}
