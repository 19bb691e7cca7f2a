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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * <p>One thread does all of it, so each client gets the rows in the order they were read and no
 * two writes to a client overlap. A write blocks while a client does not read: a client that
 * stopped reading holds the feed up until Jetty's idle timeout drops it.
 */
final class LiveFeed implements AutoCloseable {
    private static final int MINUTES = 15;
    private static final String EVENT = "metrics";
    private static final long HEARTBEAT_SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

    private final MetricsQuery metrics;
    private final Clock clock;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "eddy-live-feed");
        t.setDaemon(true);
        return t;
    });
    /** Clients that joined since the last tick; handed over to the ticker. */
    private final Queue<SseClient> joining = new ConcurrentLinkedQueue<>();
    /** The ticker's own from here on. */
    private final List<SseClient> clients = new ArrayList<>();
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
                forEachClient(client -> client.sendEvent(EVENT, rows));
            });
            for (SseClient client; (client = joining.poll()) != null; ) {
                clients.add(client);
                if (latest != null) write(client, c -> c.sendEvent(EVENT, latest));
            }
            clients.removeIf(SseClient::terminated);
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: the feed would stop for everyone
            LOG.error("live feed: a tick failed", e);
        }
    }

    private void heartbeat() {
        forEachClient(client -> client.sendComment("heartbeat"));
        clients.removeIf(SseClient::terminated);
    }

    private void forEachClient(Consumer<SseClient> send) {
        clients.forEach(client -> write(client, send));
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
            List<MinuteMetric> rows = metrics.eventsPerMinute(to.minus(Duration.ofMinutes(MINUTES + 1)), to, Optional.empty());
            String json = EventJson.MAPPER.writeValueAsString(QueryRoutes.EventsPerMinute.of(rows));
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
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(SseClient::close);
        joining.forEach(SseClient::close);
    }
}
