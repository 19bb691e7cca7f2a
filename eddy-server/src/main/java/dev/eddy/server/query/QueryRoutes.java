package dev.eddy.server.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.metrics.ViewLimits;
import dev.eddy.store.alerts.AlertsQuery;
import dev.eddy.store.metrics.MetricsQuery;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The query API over the views, and its live feed, guarded by read keys ({@code Authorization:
 * Bearer <key>}).
 */
public final class QueryRoutes implements AutoCloseable {
    private final MetricsQuery metrics;
    private final AlertsQuery alerts;
    private final ReadKeys readKeys;
    private final Duration maxRange;
    private final LiveFeed live;

    /** @param clock what "now" is for the live feed's window */
    public QueryRoutes(MetricsQuery metrics, AlertsQuery alerts, Set<String> readKeys, Duration maxRange, Clock clock) {
        this.metrics = metrics;
        this.alerts = alerts;
        this.readKeys = new ReadKeys(readKeys);
        this.maxRange = maxRange;
        this.live = new LiveFeed(metrics, clock);
    }

    /** One row of {@code /v1/metrics/events}. */
    record Row(Instant start, String event, long count, long users, @JsonProperty("final") boolean isFinal) {
        static Row of(MinuteMetric m) {
            return new Row(m.start(), m.event(), m.count(), m.users(), m.isFinal());
        }
    }

    record EventsPerMinute(String interval, List<Row> series) {
        static EventsPerMinute of(List<MinuteMetric> rows) {
            return new EventsPerMinute("minute", rows.stream().map(Row::of).toList());
        }
    }

    /** The answer of {@code /v1/alerts}: each alert as on {@code eddy.alerts}. */
    record Alerts(List<Alert> alerts) {}

    public void register(Javalin app) {
        app.get("/v1/metrics/events", this::eventsPerMinute);
        app.get("/v1/alerts", this::alertsOfMinutes);
        SseHandler liveStream = new SseHandler(live::join);
        app.get("/v1/live", ctx -> {
            if (!readKeys.authorizeHeaderOrParam(ctx)) return;
            if (!"text/event-stream".equals(ctx.header("Accept"))) {
                ctx.status(406).json(QueryError.body("Accept", "this is a stream of server-sent events: send"
                        + " Accept: text/event-stream (EventSource does; with curl: -N -H 'Accept: text/event-stream')"));
                return;
            }
            liveStream.handle(ctx);
        });
        app.exception(QueryError.class, (e, ctx) -> ctx.status(400).json(QueryError.body(e.field, e.getMessage())));
    }

    private void eventsPerMinute(Context ctx) {
        if (!readKeys.authorize(ctx)) return;
        TimeRange range = TimeRange.parse(ctx.queryParam("from"), ctx.queryParam("to"), maxRange);
        Optional<String> event = Optional.ofNullable(ctx.queryParam("event")).filter(e -> !e.isEmpty());
        // no row holds such a name, and PostgreSQL would fail on a NUL rather than find none
        String badName = event.map(ViewLimits::eventNameProblem).orElse(null);
        if (badName != null) throw new QueryError("event", "event " + badName);
        List<MinuteMetric> found;
        try {
            found = metrics.perMinute(range.from(), range.to(), event);
        } catch (MetricsQuery.TooManyRows e) {
            throw new QueryError("to", "the range holds more than " + MetricsQuery.MAX_ROWS
                    + " rows: narrow it, or ask for one event");
        }
        ctx.json(EventsPerMinute.of(found));
    }

    private void alertsOfMinutes(Context ctx) {
        if (!readKeys.authorize(ctx)) return;
        TimeRange range = TimeRange.parse(ctx.queryParam("from"), ctx.queryParam("to"), maxRange);
        Optional<String> series = Optional.ofNullable(ctx.queryParam("series")).filter(e -> !e.isEmpty());
        String badName = series.map(ViewLimits::eventNameProblem).orElse(null);
        if (badName != null) throw new QueryError("series", "series " + badName);
        try {
            ctx.json(new Alerts(alerts.alerts(range.from(), range.to(), series)));
        } catch (AlertsQuery.TooManyAlerts e) {
            throw new QueryError("to", "the range holds more than " + AlertsQuery.MAX_ROWS
                    + " alerts: narrow it, or ask for one series");
        }
    }

    /** Ends the live feed's connections. */
    @Override
    public void close() {
        live.close();
    }
}
