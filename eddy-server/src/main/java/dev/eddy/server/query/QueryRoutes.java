package dev.eddy.server.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.metrics.ViewLimits;
import dev.eddy.store.metrics.MetricsQuery;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The query API over the views, guarded by read keys ({@code Authorization: Bearer <key>}). */
public final class QueryRoutes {
    private final MetricsQuery metrics;
    private final Set<String> readKeys;
    private final Duration maxRange;

    public QueryRoutes(MetricsQuery metrics, Set<String> readKeys, Duration maxRange) {
        this.metrics = metrics;
        this.readKeys = Set.copyOf(readKeys);
        this.maxRange = maxRange;
    }

    /** One row of {@code /v1/metrics/events}. */
    record Row(Instant start, String event, long count, long users, @JsonProperty("final") boolean isFinal) {
        static Row of(MinuteMetric m) {
            return new Row(m.start(), m.event(), m.count(), m.users(), m.isFinal());
        }
    }

    record EventsPerMinute(String interval, List<Row> series) {}

    public void register(Javalin app) {
        app.get("/v1/metrics/events", this::eventsPerMinute);
        app.exception(QueryError.class, (e, ctx) -> ctx.status(400).json(Map.of("success", false,
                "errors", List.of(Map.of("field", e.field, "message", e.getMessage())))));
    }

    private void eventsPerMinute(Context ctx) {
        if (!authorized(ctx)) return;
        TimeRange range = TimeRange.parse(ctx.queryParam("from"), ctx.queryParam("to"), maxRange);
        Optional<String> event = Optional.ofNullable(ctx.queryParam("event")).filter(e -> !e.isEmpty());
        // no row holds such a name, and PostgreSQL would fail on a NUL rather than find none
        String badName = event.map(ViewLimits::eventNameProblem).orElse(null);
        if (badName != null) throw new QueryError("event", "event " + badName);
        List<MinuteMetric> found;
        try {
            found = metrics.eventsPerMinute(range.from(), range.to(), event);
        } catch (MetricsQuery.TooManyRows e) {
            throw new QueryError("to", "the range holds more than " + MetricsQuery.MAX_ROWS
                    + " rows: narrow it, or ask for one event");
        }
        ctx.json(new EventsPerMinute("minute", found.stream().map(Row::of).toList()));
    }

    private boolean authorized(Context ctx) {
        String header = ctx.header("Authorization");
        String key = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (key != null && readKeys.contains(key)) return true;
        ctx.header("WWW-Authenticate", "Bearer");
        ctx.status(401).json(Map.of("success", false, "errors", List.of(Map.of("field", "Authorization",
                "message", key == null ? "missing read key: send Authorization: Bearer <read key>" : "unknown read key"))));
        return false;
    }
}
