package dev.eddy.server.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.config.Durations;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.metrics.ViewLimits;
import dev.eddy.store.MinuteRange;
import dev.eddy.store.StoreException;
import dev.eddy.store.ViewReads;
import dev.eddy.store.alerts.AlertsQuery;
import dev.eddy.store.funnels.FunnelsQuery;
import dev.eddy.store.metrics.MetricsQuery;
import dev.eddy.store.metrics.MinuteView;
import dev.eddy.store.metrics.Total;
import dev.eddy.store.sessions.SessionsQuery;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API over the views, and its live feed, guarded by read keys ({@code Authorization:
 * Bearer <key>}).
 */
public final class QueryRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryRoutes.class);
    /** Seconds a client should wait before asking again while the views' database fails. */
    private static final String RETRY_AFTER_SECONDS = "5";
    /** Pages {@code /v1/pages/top} ranks when the request does not say. */
    static final int DEFAULT_TOP = 10;

    private final MetricsQuery events;
    private final MetricsQuery pages;
    private final AlertsQuery alerts;
    private final SessionsQuery sessions;
    private final FunnelsQuery funnelsView;
    /** The configured funnels by name, in the config's order. */
    private final Map<String, Funnel> funnels = new LinkedHashMap<>();
    private final ReadKeys readKeys;
    private final Duration maxRange;
    private final LiveFeed live;

    /**
     * @param reads the views, each query given the reads' timeout
     * @param funnels the configured funnels, those the analytics job counts into the funnels view
     * @param clock what "now" is for the live feed's window
     */
    public QueryRoutes(ViewReads reads, Funnels funnels, Set<String> readKeys, Duration maxRange, Clock clock) {
        this.events = new MetricsQuery(reads, MinuteView.EVENTS);
        this.pages = new MetricsQuery(reads, MinuteView.PAGES);
        this.alerts = new AlertsQuery(reads);
        this.sessions = new SessionsQuery(reads);
        this.funnelsView = new FunnelsQuery(reads);
        funnels.list().forEach(funnel -> this.funnels.put(funnel.name(), funnel));
        this.readKeys = new ReadKeys(readKeys);
        this.maxRange = maxRange;
        this.live = new LiveFeed(events, clock);
    }

    /** One row of {@code /v1/metrics/events}. */
    record EventRow(Instant start, String event, long count, long users, @JsonProperty("final") boolean isFinal) {
        static EventRow of(MinuteMetric m) {
            return new EventRow(m.start(), m.event(), m.count(), m.users(), m.isFinal());
        }
    }

    /** One row of {@code /v1/metrics/pages}: a page's views and distinct visitors in one minute. */
    record PageRow(Instant start, String page, long views, long visitors, @JsonProperty("final") boolean isFinal) {
        static PageRow of(MinuteMetric m) {
            return new PageRow(m.start(), m.event(), m.count(), m.users(), m.isFinal());
        }
    }

    /** The answer of {@code /v1/metrics/events} and {@code /v1/metrics/pages}. */
    record PerMinute<R>(String interval, List<R> series) {
        static <R> PerMinute<R> of(List<MinuteMetric> rows, Function<MinuteMetric, R> row) {
            return new PerMinute<>("minute", rows.stream().map(row).toList());
        }
    }

    /** The answer of {@code /v1/pages/top}. */
    record TopPages(List<PageViews> pages) {}

    /** A page and its views over the range: no visitors, which do not add up over minutes. */
    record PageViews(String page, long views) {
        static PageViews of(Total total) {
            return new PageViews(total.name(), total.count());
        }
    }

    /** The answer of {@code /v1/alerts}: each alert as on {@code eddy.alerts}. */
    record Alerts(List<Alert> alerts) {}

    /** The answer of {@code /v1/funnels}: each funnel's name and steps, as the config writes them. */
    record FunnelList(List<Funnel> funnels) {}

    public void register(Javalin app) {
        app.get("/v1/metrics/events", perMinute(events, "event", event -> checked("event", event, ViewLimits::eventNameProblem),
                EventRow::of));
        // a page is looked up as the job files it: a longer path cut, NUL replaced
        app.get("/v1/metrics/pages", perMinute(pages, "page", ViewLimits::fitPage, PageRow::of));
        app.get("/v1/pages/top", this::topPages);
        app.get("/v1/alerts", this::alertsOfMinutes);
        app.get("/v1/sessions", this::sessionsOfMinutes);
        app.get("/v1/funnels", this::funnelList);
        app.get("/v1/funnels/{name}", this::funnelOfMinutes);
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
        // 503 as Prometheus answers a query out of time: the server's limit, not the request's fault
        app.exception(ViewReads.QueryTimedOut.class, (e, ctx) -> ctx.status(503).json(QueryError.body("to",
                "the query ran longer than " + Durations.format(e.timeout()) + " (query.timeout): narrow the range")));
        app.exception(StoreException.class, (e, ctx) -> {
            // the message only: a database down fails every panel of every dashboard open, every 10 s
            LOG.warn("{}: {}", e.getMessage(), rootMessage(e));
            ctx.status(503).header("Retry-After", RETRY_AFTER_SECONDS)
                    .json(QueryError.body("the views' database failed to answer, retry later: " + rootMessage(e)));
        });
    }

    /** The innermost cause's message: the database's or the pool's own words. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return String.valueOf(root.getMessage());
    }

    /**
     * The rows of a per-minute view in the range, optionally of the one name parameter {@code
     * param} gives, as {@code nameInView} makes it the view's (or refuses it).
     */
    private Handler perMinute(MetricsQuery view, String param, UnaryOperator<String> nameInView,
                              Function<MinuteMetric, ?> row) {
        return ctx -> {
            if (!readKeys.authorize(ctx)) return;
            TimeRange range = range(ctx);
            Optional<String> name = name(ctx, param).map(nameInView);
            List<MinuteMetric> found;
            try {
                found = view.perMinute(range.from(), range.to(), name);
            } catch (MinuteRange.TooManyRows e) {
                throw tooManyRows("narrow it, or ask for one " + param);
            }
            ctx.json(PerMinute.of(found, row));
        };
    }

    private void topPages(Context ctx) {
        if (!readKeys.authorize(ctx)) return;
        TimeRange range = range(ctx);
        int limit = limit(ctx.queryParam("limit"));
        ctx.json(new TopPages(pages.top(range.from(), range.to(), limit).stream().map(PageViews::of).toList()));
    }

    private void alertsOfMinutes(Context ctx) {
        if (!readKeys.authorize(ctx)) return;
        TimeRange range = range(ctx);
        Optional<String> series = name(ctx, "series").map(name -> checked("series", name, ViewLimits::eventNameProblem));
        try {
            ctx.json(new Alerts(alerts.alerts(range.from(), range.to(), series)));
        } catch (AlertsQuery.TooManyAlerts e) {
            throw new QueryError("to", "the range holds more than " + AlertsQuery.MAX_ROWS
                    + " alerts: narrow it, or ask for one series");
        }
    }

    private void sessionsOfMinutes(Context ctx) {
        if (!readKeys.authorize(ctx)) return;
        TimeRange range = range(ctx);
        try {
            ctx.json(SessionsAnswer.of(sessions.minutes(range.from(), range.to())));
        } catch (MinuteRange.TooManyRows e) {
            // a row per minute: only a query.maxRange of over 69 days reaches the cap
            throw tooManyRows("narrow it");
        }
    }

    private void funnelList(Context ctx) {
        if (!readKeys.authorize(ctx)) return;
        ctx.json(new FunnelList(List.copyOf(funnels.values())));
    }

    private void funnelOfMinutes(Context ctx) {
        if (!readKeys.authorize(ctx)) return;
        Funnel funnel = funnels.get(ctx.pathParam("name"));
        if (funnel == null) {
            ctx.status(404).json(QueryError.body("name", noSuchFunnel(ctx.pathParam("name"))));
            return;
        }
        TimeRange range = range(ctx);
        try {
            ctx.json(FunnelAnswer.of(funnel, funnelsView.minutes(funnel.name(), funnel.steps().size(),
                    range.from(), range.to())));
        } catch (MinuteRange.TooManyRows e) {
            // a row per minute: only a query.maxRange of over 69 days reaches the cap
            throw tooManyRows("narrow it");
        }
    }

    /** Which funnel is not there, and which are. */
    private String noSuchFunnel(String name) {
        return "no funnel named '" + name + "': " + (funnels.isEmpty()
                ? "none is configured (funnels: in eddy.yaml, e.g. checkout: [page:Home, track:Order Completed])"
                : "the configured ones are " + String.join(", ", funnels.keySet()));
    }

    /** A range of more rows than one answer holds, and how to ask for fewer. */
    private static QueryError tooManyRows(String howToAskForFewer) {
        return new QueryError("to", "the range holds more than " + MinuteRange.MAX_ROWS + " rows: " + howToAskForFewer);
    }

    private TimeRange range(Context ctx) {
        return TimeRange.parse(ctx.queryParam("from"), ctx.queryParam("to"), maxRange);
    }

    /** The optional name the parameter {@code param} gives. */
    private static Optional<String> name(Context ctx, String param) {
        return Optional.ofNullable(ctx.queryParam(param)).filter(n -> !n.isEmpty());
    }

    /**
     * The name, unless no row of the view could hold it: then refused, since PostgreSQL would fail
     * on a NUL rather than find none.
     */
    private static String checked(String param, String name, UnaryOperator<String> problem) {
        String bad = problem.apply(name);
        if (bad != null) throw new QueryError(param, param + " " + bad);
        return name;
    }

    /** How many pages to rank: {@value #DEFAULT_TOP} when not given. */
    static int limit(String text) {
        if (text == null || text.isEmpty()) return DEFAULT_TOP;
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MetricsQuery.MAX_TOP) return limit;
        } catch (NumberFormatException notAWholeNumber) {
            // refused below, as a number out of range is
        }
        throw new QueryError("limit", "limit must be a whole number from 1 to " + MetricsQuery.MAX_TOP
                + ", got '" + text + "'");
    }

    /** Ends the live feed's connections. */
    @Override
    public void close() {
        live.close();
    }
}
