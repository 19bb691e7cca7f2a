package dev.eddy.server.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.eddy.model.EventJson;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.store.metrics.MetricsQuery;
import io.javalin.http.sse.SseClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/live}: the per-minute rows of the last {@value #MINUTES} minutes and the current
 * one, as server-sent events. The view is read once a second for all clients, and a {@code
 * metrics} event (the window's rows, as {@code GET /v1/metrics/events} gives them) goes out when
 * they changed, and to each new client at once; a comment every {@value #HEARTBEAT_SECONDS} s
 * keeps quiet connections open through proxies and finds clients that left.
 *
 * <p>One ticker thread reads the view and decides what each client gets; the writes happen on
 * writer threads, because a write blocks while its client does not read. Per client at most one
 * write is under way and at most one waits, and a newer one replaces the one waiting: each client
 * gets the rows in the order they were read, no two writes to it overlap, and a client that
 * stopped reading holds up only itself, with one writer thread and one waiting event, until
 * Jetty's idle timeout drops it.
 */
final class LiveFeed implements AutoCloseable {
    private static final int MINUTES = 15;
    private static final String EVENT = "metrics";
    private static final long HEARTBEAT_SECONDS = 15;
    private static final Consumer<SseClient> HEARTBEAT = client -> client.sendComment("heartbeat");
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

    private final MetricsQuery metrics;
    private final Clock clock;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "eddy-live-feed");
        t.setDaemon(true);
        return t;
    });
    /**
     * A thread per client with a write under way, unbounded: with a bound, that many clients that
     * stopped reading would hold up all the rest again.
     */
    private final ExecutorService writers = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "eddy-live-writer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });
    /** Clients that joined since the last tick; handed over to the ticker. */
    private final Queue<SseClient> joining = new ConcurrentLinkedQueue<>();
    /**
     * Changed by the ticker only; copy-on-write so that {@link #close()} can go through it even when
     * a tick stuck in a slow read outlived the wait for the ticker.
     */
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    /** The rows last read, as JSON; null before the first read and while nobody listens. */
    private String latest;
    private boolean readFailing;
    private volatile boolean closed;

    LiveFeed(MetricsQuery metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** Takes a client on: it gets the rows now, and each change after. */
    void join(SseClient client) {
        client.keepAlive();
        joining.add(client);
        try {
            if (closed) throw new RejectedExecutionException("closed");
            ticker.execute(this::tick); // now rather than within the second
        } catch (RejectedExecutionException stopping) {
            client.close();
        }
    }

    private void tick() {
        try {
            if (clients.isEmpty() && joining.isEmpty()) {
                latest = null; // read afresh for the next client
                return;
            }
            read().filter(rows -> !rows.equals(latest)).ifPresent(rows -> {
                latest = rows;
                clients.forEach(client -> client.send(rowsEvent(rows)));
            });
            for (SseClient joined; (joined = joining.poll()) != null; ) {
                Client client = new Client(joined);
                clients.add(client);
                if (latest != null) client.send(rowsEvent(latest));
            }
            clients.removeIf(Client::terminated);
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: the feed would stop for everyone
            LOG.error("live feed: a tick failed", e);
        }
    }

    private void heartbeat() {
        clients.forEach(client -> client.send(HEARTBEAT));
        clients.removeIf(Client::terminated);
    }

    private static Consumer<SseClient> rowsEvent(String rows) {
        return client -> client.sendEvent(EVENT, rows);
    }

    /**
     * A client and its writes: the ticker hands them over, a writer thread makes them one after
     * the other.
     */
    private final class Client {
        private final SseClient sse;
        /** The write to make next, or null; guarded by this, as {@link #writing} is. */
        private Consumer<SseClient> next;
        /** Whether a writer thread has this client; it writes until nothing waits. */
        private boolean writing;

        Client(SseClient sse) {
            this.sse = sse;
        }

        boolean terminated() {
            return sse.terminated();
        }

        /** Makes {@code write} the next write, in place of one still waiting: only the newest rows matter. */
        void send(Consumer<SseClient> write) {
            synchronized (this) {
                // rows waiting make a heartbeat needless: any write keeps the connection open
                if (write != HEARTBEAT || next == null) next = write;
                if (writing) return;
                writing = true;
            }
            try {
                writers.execute(this::writeWhatWaits);
            } catch (RejectedExecutionException stopping) {
                sse.close();
            }
        }

        private void writeWhatWaits() {
            while (true) {
                Consumer<SseClient> write;
                synchronized (this) {
                    write = next;
                    next = null;
                    if (write == null || sse.terminated()) {
                        writing = false;
                        return;
                    }
                }
                LiveFeed.write(sse, write);
            }
        }
    }

    /** Javalin marks a client it failed to write to as terminated; anything else drops the client too. */
    private static void write(SseClient client, Consumer<SseClient> send) {
        try {
            send.accept(client);
        } catch (RuntimeException e) {
            LOG.warn("live feed: dropping a client", e);
            client.close();
        }
    }

    /** The rows of the live window as the query API's JSON, or empty when the view could not be read. */
    private Optional<String> read() {
        Instant to = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        try {
            List<MinuteMetric> rows = metrics.perMinute(to.minus(Duration.ofMinutes(MINUTES + 1)), to, Optional.empty());
            String json = EventJson.MAPPER.writeValueAsString(QueryRoutes.PerMinute.of(rows, QueryRoutes.EventRow::of));
            if (readFailing) LOG.info("live feed: reading the view works again");
            readFailing = false;
            return Optional.of(json);
        } catch (RuntimeException | JsonProcessingException e) {
            // clients keep the rows they have; the next tick tries again, logging only the first failure
            if (!readFailing) LOG.warn("live feed: reading the view failed; retrying every second", e);
            readFailing = true;
            return Optional.empty();
        }
    }

    /** Stops the feed and ends every client's stream. */
    @Override
    public void close() {
        closed = true;
        stop(ticker);
        // interrupts the writes under way, which Jetty then fails: a client that does not read
        // would otherwise hold close() up until Jetty's idle timeout
        stop(writers);
        clients.forEach(client -> client.sse.close());
        joining.forEach(SseClient::close);
    }

    private static void stop(ExecutorService threads) {
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
