package dev.eddy.stream.job;

import dev.eddy.model.alerts.Alert;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.stream.alerts.AlertRule;
import dev.eddy.stream.alerts.AnomalyDetector;
import dev.eddy.stream.dedup.Deduplicator;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.event.LateEvent;
import dev.eddy.stream.funnels.FunnelDelta;
import dev.eddy.stream.metrics.MinuteMetricsOperator;
import dev.eddy.stream.metrics.WindowKey;
import dev.eddy.stream.sessions.SessionDelta;
import dev.eddy.stream.sessions.SessionMinutes;
import dev.eddy.stream.sessions.SessionTimes;
import dev.eddy.stream.sessions.Visit;
import dev.eddy.stream.sessions.VisitorSessions;
import dev.eddy.stream.time.DurationChecks;
import dev.eddy.stream.time.QuietTailWatermarks;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The analytics job graph: events → event-time watermarks → dedup → per-minute metrics →
 * anomaly alerts, with events too late for their minute to a separate sink; beside the
 * metrics, dedup → per-minute views of each page; and after the metrics, the events they counted
 * → each visitor's sessions → the sessions started in each minute, and from the same sessions
 * each funnel's progress per minute. Sources and sinks are
 * arguments, so the same graph runs on Kafka and a SQL view in production and on generated data
 * in tests.
 *
 * <p>Each stateful step has a fixed uid: changing one orphans its state in existing checkpoints.
 */
public final class AnalyticsJob {

    public static final String SOURCE_UID = "eddy-events-source";
    public static final String DEDUP_UID = "eddy-dedup";
    public static final String MINUTE_METRICS_UID = "eddy-minute-metrics";
    public static final String METRICS_SINK_UID = "eddy-minute-metrics-sink";
    public static final String PAGE_METRICS_UID = "eddy-page-metrics";
    public static final String PAGE_METRICS_SINK_UID = "eddy-page-metrics-sink";
    public static final String VISITOR_SESSIONS_UID = "eddy-visitor-sessions";
    public static final String SESSION_METRICS_UID = "eddy-session-metrics";
    public static final String SESSION_METRICS_SINK_UID = "eddy-session-metrics-sink";
    public static final String FUNNEL_METRICS_SINK_UID = "eddy-funnel-metrics-sink";
    public static final String LATE_SINK_UID = "eddy-late-events-sink";
    public static final String ALERTS_UID = "eddy-anomaly-alerts";
    public static final String ALERTS_SINK_UID = "eddy-alerts-sink";
    public static final String ALERTS_VIEW_SINK_UID = "eddy-alerts-view-sink";

    /**
     * The job's tuning.
     *
     * @param outOfOrderness how far behind the newest event an event may be and still be on time
     * @param idleness how long a partition may be quiet before event time moves on without it
     *     (it then advances with processing time, see {@link QuietTailWatermarks})
     * @param allowedLateness how long after its minute's end an event still updates the minute
     * @param dedupTtl how long an event's dedup key is remembered
     * @param liveUpdateInterval how often an open minute's changed figures go out
     * @param alerts when a closed minute's count is an anomaly
     * @param sessionGap the longest quiet stretch inside one visitor's session
     * @param funnels the funnels whose progress the sessions are followed through; the events'
     *     steps must be of these ({@code AnalyticsEvent#funnelSteps})
     */
    public record Settings(
            Duration outOfOrderness,
            Duration idleness,
            Duration allowedLateness,
            Duration dedupTtl,
            Duration liveUpdateInterval,
            AlertRule alerts,
            Duration sessionGap,
            Funnels funnels) {

        public Settings {
            DurationChecks.notNegative(outOfOrderness, "outOfOrderness");
            DurationChecks.positive(idleness, "idleness");
            DurationChecks.notNegative(allowedLateness, "allowedLateness");
            DurationChecks.positive(dedupTtl, "dedupTtl");
            DurationChecks.positive(liveUpdateInterval, "liveUpdateInterval");
            Objects.requireNonNull(alerts, "alerts");
            DurationChecks.positive(sessionGap, "sessionGap");
            Objects.requireNonNull(funnels, "funnels");
        }

        /**
         * 5 s out of order, 10 s idleness, 1 h lateness, 24 h dedup, updates every second,
         * {@link AlertRule#defaults()}, sessions end after 30 min without an event, no funnels.
         */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofHours(1),
                    Duration.ofHours(24), Duration.ofSeconds(1), AlertRule.defaults(), Duration.ofMinutes(30),
                    Funnels.NONE);
        }
    }

    private AnalyticsJob() {}

    /**
     * Where the job's results go.
     *
     * @param metrics the per-minute rows, live and final; must be an idempotent upsert by
     *     (start, event): a row is re-emitted as its figures grow and after a restore
     * @param pages the per-minute views and distinct visitors of each page, in rows whose event is
     *     the page ({@code AnalyticsEvent.pageOf}); an idempotent upsert by (start, page), as metrics
     * @param sessions the figures of the sessions started in each minute, live and final; an
     *     idempotent upsert by start: each row holds the minute's whole figures
     * @param funnels each funnel's figures for the sessions started in each minute, live and final;
     *     an idempotent upsert by (funnel, start), as sessions
     * @param late events too late to count, e.g. {@code AnalyticsKafka.lateEventsSink(...)}
     * @param alerts the alerts, e.g. {@code AnalyticsKafka.alertsSink(...)}; written exactly once
     *     if the sink commits with checkpoints (a restored job emits again what followed its
     *     checkpoint)
     * @param alertsView the alerts again, for the query API; an idempotent upsert by the alert's id
     */
    public record Sinks(
            Sink<MinuteMetric> metrics, Sink<MinuteMetric> pages, Sink<SessionMetric> sessions, Sink<FunnelMetric> funnels,
            Sink<LateEvent> late,
            Sink<Alert> alerts, Sink<Alert> alertsView) {}

    /**
     * Adds the job to {@code env}. The sinks of the views run at the parallelism of the step they
     * write, so each key's rows reach its sink in the order they were emitted.
     *
     * <p>Enables object reuse on {@code env}: the job's records are immutable (records of
     * strings and numbers, and an event's JSON bytes, which no step writes to), so chained steps
     * may hand them on instead of deep-copying each one (the JSON bytes, source to filter).
     *
     * @param source events, e.g. {@code AnalyticsKafka.eventsSource(...)}
     */
    public static void build(StreamExecutionEnvironment env, Source<AnalyticsEvent, ?, ?> source, Sinks sinks,
                             Settings settings) {
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<AnalyticsEvent> unique = env
                .fromSource(source, watermarks(settings), "eddy.events")
                .uid(SOURCE_UID)
                .filter(AnalyticsEvent::counted)
                .name("counted types")
                .keyBy(AnalyticsEvent::dedupKey)
                .transform("dedup", TypeInformation.of(AnalyticsEvent.class), new Deduplicator(settings.dedupTtl()))
                .uid(DEDUP_UID);
        SingleOutputStreamOperator<MinuteMetric> metrics = unique
                .keyBy(WindowKey::of)
                .transform("minute metrics", TypeInformation.of(MinuteMetric.class),
                        new MinuteMetricsOperator(settings.allowedLateness(), settings.liveUpdateInterval()))
                .uid(MINUTE_METRICS_UID);
        metrics.sinkTo(sinks.metrics()).uid(METRICS_SINK_UID).name("minute metrics sink");
        // the same windows, per page: late page views are kept by the series' step above
        unique.filter(AnalyticsEvent::viewsPage)
                .name("page views")
                .keyBy(WindowKey::ofPage)
                .transform("page metrics", TypeInformation.of(MinuteMetric.class),
                        MinuteMetricsOperator.droppingLateEvents(settings.allowedLateness(), settings.liveUpdateInterval()))
                .uid(PAGE_METRICS_UID)
                .sinkTo(sinks.pages())
                .uid(PAGE_METRICS_SINK_UID)
                .name("page metrics sink");
        SessionTimes sessionTimes = SessionTimes.of(settings.sessionGap(), settings.allowedLateness());
        // the events the series step counted, not dedup's: see MinuteMetricsOperator.COUNTED
        SingleOutputStreamOperator<SessionDelta> visitorSessions = metrics.getSideOutput(MinuteMetricsOperator.COUNTED)
                .keyBy(Visit::visitorKey)
                .transform("visitor sessions", TypeInformation.of(SessionDelta.class),
                        new VisitorSessions(sessionTimes, settings.funnels()))
                .uid(VISITOR_SESSIONS_UID);
        // a minute's funnel figures beside its sessions', which say when the minute is over
        SingleOutputStreamOperator<SessionMetric> sessionRows = visitorSessions
                .connect(visitorSessions.getSideOutput(VisitorSessions.FUNNELS))
                .keyBy(SessionDelta::minuteStart, FunnelDelta::minuteStart)
                .process(new SessionMinutes(sessionTimes, settings.funnels(), settings.liveUpdateInterval()))
                .uid(SESSION_METRICS_UID)
                .name("session metrics");
        sessionRows.sinkTo(sinks.sessions()).uid(SESSION_METRICS_SINK_UID).name("session metrics sink");
        sessionRows.getSideOutput(SessionMinutes.FUNNEL_ROWS)
                .sinkTo(sinks.funnels())
                .uid(FUNNEL_METRICS_SINK_UID)
                .name("funnel metrics sink");
        metrics.getSideOutput(MinuteMetricsOperator.TOO_LATE)
                .sinkTo(sinks.late())
                .uid(LATE_SINK_UID)
                .name("late events sink");
        SingleOutputStreamOperator<Alert> alerts = metrics.filter(MinuteMetric::isFinal)
                .name("closed minutes")
                .keyBy(MinuteMetric::event)
                .process(new AnomalyDetector(settings.alerts()))
                .uid(ALERTS_UID)
                .name("anomaly alerts");
        alerts.sinkTo(sinks.alerts()).uid(ALERTS_SINK_UID).name("alerts sink");
        alerts.sinkTo(sinks.alertsView()).uid(ALERTS_VIEW_SINK_UID).name("alerts view sink");
    }

    /** Event time from the event's timestamp; see {@link QuietTailWatermarks} for quiet inputs. */
    public static WatermarkStrategy<AnalyticsEvent> watermarks(Settings settings) {
        return QuietTailWatermarks.strategy(
                settings.outOfOrderness(), settings.idleness(), (event, recordTs) -> event.timestampMillis());
    }
}
