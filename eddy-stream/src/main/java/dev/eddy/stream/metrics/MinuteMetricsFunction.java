package dev.eddy.stream.metrics;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.event.LateEvent;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per-minute event count and exact distinct users of one series, live then final.
 *
 * <p>Keyed by {@link WindowKey}, so each key is one window. While the window is open its figures
 * go out at most once per update interval, and only when they changed (a processing-time timer).
 * When the watermark reaches the window's end the figures go out final. An event later than that
 * but within the allowed lateness still counts and its window goes out again, final. At the end
 * plus the allowed lateness the window's state and timers are dropped; events after that go to
 * {@link #TOO_LATE} unchanged.
 *
 * <p>Everything needed to emit is in keyed state, timers included, so a job restored from a
 * checkpoint emits whatever the checkpoint held un-emitted, and replayed events re-emit their
 * windows: the views converge without new events. The state is read through a {@link
 * WindowMirror}, so on RocksDB an event costs writes only: the tally, and the user when new.
 */
public final class MinuteMetricsFunction extends KeyedProcessFunction<WindowKey, AnalyticsEvent, MinuteMetric> {

    /** Events that came after their window's allowed lateness. */
    public static final OutputTag<LateEvent> TOO_LATE =
            new OutputTag<>("too-late", TypeInformation.of(LateEvent.class));

    /** Flink metric: events too late to be counted. */
    public static final String LATE_METRIC = "eddyLateEvents";

    /**
     * Windows and users held by the {@link WindowMirror} of each parallel instance: some 125
     * bytes each (measured for user keys of 38 characters), so at most 31 MB of heap per
     * instance, for the current minutes of every series with up to a quarter of a million
     * distinct users a minute. Past that an event's user is looked up in the state.
     */
    static final int MIRROR_CAPACITY = 250_000;

    private final long allowedLatenessMs;
    private final long updateIntervalMs;
    private final int mirrorCapacity;

    private transient ValueState<MinuteTally> tally;
    private transient MapState<String, Boolean> users;
    private transient WindowMirror mirror;
    private transient Counter late;

    public MinuteMetricsFunction(Duration allowedLateness, Duration updateInterval) {
        this(allowedLateness, updateInterval, MIRROR_CAPACITY);
    }

    /** With a mirror of another capacity, e.g. a tiny one to test the reads from state. */
    MinuteMetricsFunction(Duration allowedLateness, Duration updateInterval, int mirrorCapacity) {
        if (allowedLateness.isNegative()) throw new IllegalArgumentException("allowedLateness < 0");
        if (updateInterval.isNegative() || updateInterval.isZero()) {
            throw new IllegalArgumentException("updateInterval must be positive");
        }
        this.allowedLatenessMs = allowedLateness.toMillis();
        this.updateIntervalMs = updateInterval.toMillis();
        this.mirrorCapacity = mirrorCapacity;
    }

    @Override
    public void open(OpenContext openContext) {
        tally = getRuntimeContext().getState(
                new ValueStateDescriptor<>("tally", TypeInformation.of(MinuteTally.class)));
        users = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("users", Types.STRING, Types.BOOLEAN));
        mirror = new WindowMirror(mirrorCapacity);
        late = getRuntimeContext().getMetricGroup().counter(LATE_METRIC);
    }

    @Override
    public void processElement(AnalyticsEvent event, Context ctx, Collector<MinuteMetric> out)
            throws Exception {
        WindowKey key = ctx.getCurrentKey();
        long start = key.minuteStart();
        long watermark = ctx.timerService().currentWatermark();
        if (MinuteWindow.isTooLate(start, watermark, allowedLatenessMs)) {
            late.inc();
            ctx.output(TOO_LATE, new LateEvent(event.eventJson(), watermark - event.timestampMillis()));
            return;
        }
        WindowMirror.Window window = window(key);
        if (window != null && !window.knowsUsers() && mirror.canLearn(window.tally().users())) {
            // read once, so that this window's next events look their users up on the heap
            mirror.learnUsers(window, users.keys());
        }
        if (window == null) {
            window = mirror.opened(key);
            // a window first seen late is complete already: no timer needed to make it final
            if (!MinuteWindow.isComplete(start, watermark)) {
                ctx.timerService().registerEventTimeTimer(MinuteWindow.maxTimestamp(start));
            }
            ctx.timerService().registerEventTimeTimer(MinuteWindow.cleanupTime(start, allowedLatenessMs));
        }
        boolean newUser = addUser(window, event.userKey());
        MinuteTally next = window.tally().add(newUser);
        if (!next.updateScheduled()) {
            // aligned to the interval, so the timers of many windows fire together
            long now = ctx.timerService().currentProcessingTime();
            long at = (Math.floorDiv(now, updateIntervalMs) + 1) * updateIntervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            next = next.scheduled(at);
        }
        store(window, next);
        mirror.trim(window);
    }

    /** The current window's copy, made from its state when not held; null when the window has no state. */
    private WindowMirror.Window window(WindowKey key) throws Exception {
        WindowMirror.Window window = mirror.get(key);
        if (window != null) return window;
        MinuteTally stored = tally.value();
        return stored == null ? null : mirror.restored(key, stored);
    }

    /** Records the user in the current window; whether it is new there. */
    private boolean addUser(WindowMirror.Window window, String user) throws Exception {
        if (user == null) return false;
        boolean isNew = window.knowsUsers() ? mirror.addUser(window, user) : !users.contains(user);
        if (isNew) users.put(user, Boolean.TRUE);
        return isNew;
    }

    private void store(WindowMirror.Window window, MinuteTally next) throws Exception {
        tally.update(next);
        window.tally(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MinuteMetric> out) throws Exception {
        WindowKey key = ctx.getCurrentKey();
        WindowMirror.Window window = window(key);
        if (window == null) return;
        MinuteTally current = window.tally();
        long start = key.minuteStart();
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            current = current.withoutUpdateTimer();
            if (current.dirty()) {
                boolean isFinal = current.finalized()
                        || MinuteWindow.isComplete(start, ctx.timerService().currentWatermark());
                current = emit(key, current, isFinal, out);
            }
            store(window, current);
            mirror.trim(window);
            return;
        }
        if (timestamp == MinuteWindow.maxTimestamp(start)) {
            // the final row carries every change so far: a pending update has nothing left to do
            current = cancelUpdate(emit(key, current, true, out), ctx);
        }
        if (timestamp == MinuteWindow.cleanupTime(start, allowedLatenessMs)) {
            if (current.dirty()) emit(key, current, true, out);
            cancelUpdate(current, ctx);
            tally.clear();
            users.clear();
            mirror.remove(key);
            return;
        }
        store(window, current);
        mirror.trim(window);
    }

    private static MinuteTally cancelUpdate(MinuteTally tally, OnTimerContext ctx) {
        if (!tally.updateScheduled()) return tally;
        ctx.timerService().deleteProcessingTimeTimer(tally.updateTimer());
        return tally.withoutUpdateTimer();
    }

    private static MinuteTally emit(WindowKey key, MinuteTally tally, boolean isFinal, Collector<MinuteMetric> out) {
        out.collect(new MinuteMetric(
                Instant.ofEpochMilli(key.minuteStart()), key.series(), tally.count(), tally.users(), isFinal));
        return tally.emitted(isFinal);
    }
}
