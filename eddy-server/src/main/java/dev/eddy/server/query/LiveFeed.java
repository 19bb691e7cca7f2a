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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/live}: the per-minute rows of the last {@value #MINUTES} minutes and the current
 * one, as server-sent events. The view is read once a second for all clients, and a {@code
 * metrics} event (the window's rows, as {@code GET /v1/metrics/events} gives them) goes out when
 * they changed, and to each new client at once; a comment every
 * {@value #HEARTBEAT_SECONDS} s keeps quiet connections open through proxies and finds clients
 * that left.
 */
final class LiveFeed implements AutoCloseable {
    static final int MINUTES = 15;
    static final String EVENT = "metrics";
    private static final long HEARTBEAT_SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

    private final MetricsQuery metrics;
    private final Clock clock;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "eddy-live-feed");
        t.setDaemon(true);
        return t;
    });
    /**
     * The rows last sent, as JSON; null before the first read. A client may get the same rows twice
     * (a join racing a tick): each event is the whole window, so that is harmless.
     */
    private volatile String latest;

    LiveFeed(MetricsQuery metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** Takes a client on: it gets the rows now, and each change after. */
    void join(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        String rows = latest;
        if (rows == null) {
            rows = read().orElse(null);
            latest = rows; // or the ticker's first read sends the same rows again (harmless, but noise)
        }
        if (rows != null) send(client, rows);
    }

    private void tick() {
        if (clients.isEmpty()) {
            latest = null; // read afresh for the next client
            return;
        }
        read().filter(rows -> !rows.equals(latest)).ifPresent(rows -> {
            latest = rows;
            clients.forEach(client -> send(client, rows));
        });
    }

    private void heartbeat() {
        clients.forEach(client -> {
            synchronized (client) {
                client.sendComment("heartbeat");
            }
            if (client.terminated()) clients.remove(client);
        });
    }

    /** The rows of the live window as the query API's JSON, or empty when the view could not be read. */
    private Optional<String> read() {
        Instant to = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        try {
            List<MinuteMetric> rows = metrics.eventsPerMinute(to.minus(Duration.ofMinutes(MINUTES + 1)), to, Optional.empty());
            return Optional.of(EventJson.MAPPER.writeValueAsString(QueryRoutes.EventsPerMinute.of(rows)));
        } catch (RuntimeException | JsonProcessingException e) {
            // the next tick tries again; clients keep the rows they have
            LOG.warn("live feed: reading the view failed", e);
            return Optional.empty();
        }
    }

    private void send(SseClient client, String rows) {
        // the ticker and a joining client's request thread may both write to it
        synchronized (client) {
            client.sendEvent(EVENT, rows);
        }
        if (client.terminated()) clients.remove(client);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        clients.forEach(SseClient::close);
        clients.clear();
    }
}
