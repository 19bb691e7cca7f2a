package dev.eddy.stream.metrics;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.event.LateEvent;
import dev.eddy.stream.sessions.Visit;
import dev.eddy.stream.time.DurationChecks;
import dev.eddy.stream.time.UpdateTicks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Per-minute event count and exact distinct users of one series, live then final; the same for
 * the views of one page in the pages step (keyed by {@link WindowKey#ofPage}).
 *
 * <p>Keyed by {@link WindowKey}, so each key is one window. While the window is open its figures
 * go out at most once per update interval, and only when they changed (a processing-time timer).
 * When the watermark reaches the window's end the figures go out final. An event later than that
 * but within the allowed lateness still counts and its window goes out again, final. At the end
 * plus the allowed lateness the window's state and timers are dropped; events after that go to
 * {@link #TOO_LATE} unchanged. The series step hands each event it counts that has a visitor to
 * {@link #COUNTED}, for the sessions.
 *
 * <p>Everything needed to emit is in keyed state at each checkpoint, timers included, so a job
 * restored from a checkpoint emits whatever the checkpoint held un-emitted, and replayed events
 * re-emit their windows: the views converge without new events. Flink does not checkpoint
 * watermarks, so a restored job would start from none and, until every input sent one, count an
 * event long past its lateness into a fresh window whose final row would overwrite the right one;
 * the operator therefore keeps the watermark of each checkpoint and judges lateness by it until
 * the inputs' watermark passes it.
 *
 * <p>Event time moves on without events where the source knows a time to move on from (see
 * {@code QuietTailWatermarks}), which after a restore that replays nothing it does not: its
 * outputs go idle, and the minutes open in the restored state would stay open until traffic
 * came. So while every input is idle, the operator moves its own event time on from the last
 * watermark it knew (the restored one, or the inputs' last) by the time they have been idle, as
 * the source does for a quiet partition. Only while idle, which a stall or a slow restore
 * upstream is not (a backlog waits behind those), and never from the wall clock: a backlog older
 * than the allowed lateness would then be late.
 *
 * <p>The windows in use live in a {@link WindowMirror} on the heap, and the state is written
 * behind: a window's tally and its new users go to the state just before each checkpoint barrier
 * ({@link #prepareSnapshotPreBarrier}) and when the mirror drops the window, not on every event.
 * On RocksDB an event then costs no state access at all when its window and user are held. This is
 * why it is an operator rather than a {@code KeyedProcessFunction}: writing behind needs the
 * barrier hook and writing another window's state needs to switch the current key.
 */
public final class MinuteMetricsOperator extends AbstractStreamOperator<MinuteMetric>
        implements OneInputStreamOperator<AnalyticsEvent, MinuteMetric>, Triggerable<WindowKey, VoidNamespace> {

    /** Events that came after their window's allowed lateness. */
    public static final OutputTag<LateEvent> TOO_LATE =
            new OutputTag<>("too-late", TypeInformation.of(LateEvent.class));

    /**
     * The events the series step counted that have a visitor, for the sessions. From here rather
     * than from dedup: lateness is judged once, by this operator's rule (the restored watermark
     * included), so the sessions count exactly the events the metrics count; and the event time
     * this operator moves on while its inputs are idle ({@link #moveOnWhileIdle}) goes with them,
     * so open sessions still end after a restore that replays nothing. Time and visitor only, no
     * JSON bytes.
     */
    public static final OutputTag<Visit> COUNTED = new OutputTag<>("counted", TypeInformation.of(Visit.class));

    /** Flink metric: events too late to be counted, kept on the late topic. */
    public static final String LATE_METRIC = "eddyLateEvents";

    /**
     * Flink metric of one that drops its late events ({@link #droppingLateEvents}): each step
     * judges lateness by its own event time, which lags a little behind or ahead of the other
     * step's, so near the allowed lateness a page view may count in one view and not the other.
     */
    public static final String DROPPED_LATE_METRIC = "eddyLateDropped";

    /**
     * Windows and users held by the {@link WindowMirror} of each parallel instance: some 125
     * bytes each (measured for user keys of 38 characters), so at most 31 MB of heap per
     * instance, for the current minutes of every series with up to a quarter of a million
     * distinct users a minute. Past that an event's user is looked up in the state.
     */
    static final int MIRROR_CAPACITY = 250_000;

    /**
     * The name {@code KeyedProcessOperator} gives its timers, which this operator's timers were
     * checkpointed under before it wrote behind: kept, so those checkpoints still restore.
     */
    private static final String TIMERS = "user-timers";

    /** How often event time moves on while every input is idle. */
    private static final long IDLE_TICK_MS = 1_000;

    private final long allowedLatenessMs;
    private final long updateIntervalMs;
    private final int mirrorCapacity;
    /**
     * Whether this is the series step: it sends its too-late events to {@link #TOO_LATE} and counts
     * them in {@link #LATE_METRIC}, and its counted visits to {@link #COUNTED}; else it counts its
     * too-late events only, in {@link #DROPPED_LATE_METRIC}.
     */
    private final boolean seriesStep;

    private transient ValueState<MinuteTally> tally;
    private transient MapState<String, Boolean> users;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient WindowMirror mirror;
    private transient Counter late;
    /** Each instance's watermark at the last checkpoint; union, so a restored instance sees all of them. */
    private transient ListState<Long> checkpointedWatermarks;
    /** The lowest watermark of the checkpoint restored from, or none. */
    private transient long restoredWatermark;
    /** Whether every input is idle, and since when (processing time). */
    private transient boolean idle;
    private transient long idleSince;
    /** The watermark when the inputs went idle: what event time moves on from while they are. */
    private transient long idleFrom;

    public MinuteMetricsOperator(Duration allowedLateness, Duration updateInterval) {
        this(allowedLateness, updateInterval, MIRROR_CAPACITY, true);
    }

    /** With a mirror of another capacity, e.g. a tiny one to test the reads from state. */
    MinuteMetricsOperator(Duration allowedLateness, Duration updateInterval, int mirrorCapacity) {
        this(allowedLateness, updateInterval, mirrorCapacity, true);
    }

    private MinuteMetricsOperator(Duration allowedLateness, Duration updateInterval, int mirrorCapacity,
                                  boolean seriesStep) {
        this.allowedLatenessMs = DurationChecks.notNegative(allowedLateness, "allowedLateness").toMillis();
        this.updateIntervalMs = DurationChecks.positive(updateInterval, "updateInterval").toMillis();
        this.mirrorCapacity = mirrorCapacity;
        this.seriesStep = seriesStep;
    }

    /**
     * One that drops too-late events, counting them in {@link #DROPPED_LATE_METRIC}: for a second
     * view of the same events (the pages), whose late events the first one (the series) keeps.
     */
    public static MinuteMetricsOperator droppingLateEvents(Duration allowedLateness, Duration updateInterval) {
        return new MinuteMetricsOperator(allowedLateness, updateInterval, MIRROR_CAPACITY, false);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointedWatermarks = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("watermark", Types.LONG));
        // the lowest: each instance's watermark was valid for every key when it was taken
        restoredWatermark = StreamSupport.stream(checkpointedWatermarks.get().spliterator(), false)
                .mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointedWatermarks.update(List.of(watermark()));
    }

    /** The inputs' watermark, or the restored checkpoint's while the inputs' is behind it. */
    private long watermark() {
        return Math.max(timers.currentWatermark(), restoredWatermark);
    }

    @Override
    public void open() throws Exception {
        super.open();
        tally = getPartitionedState(new ValueStateDescriptor<>("tally", TypeInformation.of(MinuteTally.class)));
        users = getPartitionedState(new MapStateDescriptor<>("users", Types.STRING, Types.BOOLEAN));
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        mirror = new WindowMirror(mirrorCapacity, this::save);
        late = getMetricGroup().counter(seriesStep ? LATE_METRIC : DROPPED_LATE_METRIC);
        idleSince = getProcessingTimeService().getCurrentProcessingTime();
        idleFrom = watermark();
        getProcessingTimeService().registerTimer(idleSince + IDLE_TICK_MS, this::moveOnWhileIdle);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        super.processWatermarkStatus(status);
        idle = status.isIdle();
        idleSince = getProcessingTimeService().getCurrentProcessingTime();
        idleFrom = watermark();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // behind where an idle stretch moved event time: nothing new, and timers must not go back
        if (mark.getTimestamp() > timers.currentWatermark()) {
            super.processWatermark(mark);
        }
    }

    /**
     * Moves event time on by the time every input has been idle, from the watermark it had then,
     * and passes it on: the steps after this one (the alerts) judge minutes by it. It announces
     * itself active for that, as its output went idle with its inputs, and Flink drops the
     * watermarks of an idle output.
     */
    private void moveOnWhileIdle(long scheduledFor) throws Exception {
        // the clock, not the time it was scheduled for: that is stale after the task was busy
        long now = getProcessingTimeService().getCurrentProcessingTime();
        long movedOn = idleFrom + (now - idleSince);
        if (idle && idleFrom != Long.MIN_VALUE && movedOn > idleFrom && movedOn > timers.currentWatermark()) {
            output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
            super.processWatermark(new Watermark(movedOn));
        }
        getProcessingTimeService().registerTimer(now + IDLE_TICK_MS, this::moveOnWhileIdle);
    }

    @Override
    public void processElement(StreamRecord<AnalyticsEvent> element) throws Exception {
        AnalyticsEvent event = element.getValue();
        WindowKey key = (WindowKey) getCurrentKey();
        long start = key.minuteStart();
        long watermark = watermark();
        if (MinuteWindow.isTooLate(start, watermark, allowedLatenessMs)) {
            late.inc();
            if (seriesStep) {
                LateEvent tooLate = new LateEvent(event.eventJson(), watermark - event.timestampMillis());
                output.collect(TOO_LATE, new StreamRecord<>(tooLate, element.getTimestamp()));
            }
            return;
        }
        if (seriesStep && event.visitorKey() != null) {
            output.collect(COUNTED, new StreamRecord<>(new Visit(event.visitorKey(), event.timestampMillis(), event.funnelSteps()),
                    element.getTimestamp()));
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
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, MinuteWindow.maxTimestamp(start));
            }
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, MinuteWindow.cleanupTime(start, allowedLatenessMs));
        }
        boolean newUser = addUser(window, event.userKey());
        MinuteTally next = window.tally().add(newUser);
        if (!next.updateScheduled()) {
            long at = UpdateTicks.next(timers.currentProcessingTime(), updateIntervalMs);
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, at);
            next = next.scheduled(at);
        }
        window.tally(next);
        mirror.trim(key, window);
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
        if (window.knowsUsers()) return mirror.addUser(window, user);
        if (users.contains(user)) return false;
        users.put(user, Boolean.TRUE);
        return true;
    }

    /** Writes the unsaved part of a window's copy to the state of its key, then goes back to the current key. */
    private void save(WindowKey key, WindowMirror.Window window) throws Exception {
        Object current = getCurrentKey();
        setCurrentKey(key);
        tally.update(window.tally());
        Map<String, Boolean> unsaved = window.unsavedUsers();
        if (!unsaved.isEmpty()) users.putAll(unsaved);
        if (current != null) setCurrentKey(current);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        mirror.saveAll();
    }

    @Override
    public void onEventTime(InternalTimer<WindowKey, VoidNamespace> timer) throws Exception {
        WindowKey key = timer.getKey();
        WindowMirror.Window window = window(key);
        if (window == null) return;
        MinuteTally current = window.tally();
        long start = key.minuteStart();
        long timestamp = timer.getTimestamp();
        if (timestamp == MinuteWindow.maxTimestamp(start)) {
            // the final row carries every change so far: a pending update has nothing left to do
            current = cancelUpdate(emit(key, current, true, timestamp));
        }
        if (timestamp == MinuteWindow.cleanupTime(start, allowedLatenessMs)) {
            if (current.dirty()) emit(key, current, true, timestamp);
            cancelUpdate(current);
            tally.clear();
            users.clear();
            mirror.remove(key);
            return;
        }
        window.tally(current);
        mirror.trim(key, window);
    }

    @Override
    public void onProcessingTime(InternalTimer<WindowKey, VoidNamespace> timer) throws Exception {
        WindowKey key = timer.getKey();
        WindowMirror.Window window = window(key);
        if (window == null) return;
        MinuteTally current = window.tally().withoutUpdateTimer();
        if (current.dirty()) {
            boolean isFinal = current.finalized() || MinuteWindow.isComplete(key.minuteStart(), watermark());
            current = emit(key, current, isFinal, null);
        }
        window.tally(current);
        mirror.trim(key, window);
    }

    private MinuteTally cancelUpdate(MinuteTally tally) {
        if (!tally.updateScheduled()) return tally;
        timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, tally.updateTimer());
        return tally.withoutUpdateTimer();
    }

    /** Emits the window's figures, at the event-time timer's timestamp, or none for a processing-time one. */
    private MinuteTally emit(WindowKey key, MinuteTally tally, boolean isFinal, Long timestamp) {
        MinuteMetric row = new MinuteMetric(
                Instant.ofEpochMilli(key.minuteStart()), key.series(), tally.count(), tally.users(), isFinal);
        output.collect(timestamp == null ? new StreamRecord<>(row) : new StreamRecord<>(row, timestamp));
        return tally.emitted(isFinal);
    }
}
