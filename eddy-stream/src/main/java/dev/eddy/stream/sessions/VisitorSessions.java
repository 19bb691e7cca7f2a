package dev.eddy.stream.sessions;

import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.funnels.FunnelDelta;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.StreamTask;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Each visitor's sessions, keyed by visitor, from the events the series step counted; emits how
 * they change the figures of the minutes they started in ({@link SessionSpans} has the rules).
 *
 * <p>An event-time timer at a session's end makes it over, or, if it grew meanwhile, comes again
 * at its new end; a session over is forgotten once no event the series step accepts can touch it
 * ({@link SessionTimes#forgottenAt}), and the visitor's state with its last session.
 *
 * <p>The spans in use live in a {@link SpansMirror} on the heap and are written to the state
 * behind, before each checkpoint barrier and when the mirror drops them: an event going on with a
 * held visitor's open session, the common case, costs no state access, no timer and no emission.
 * That is why this is an operator rather than a {@code KeyedProcessFunction}: writing behind needs
 * the barrier hook and writing another visitor's state needs to switch the current key.
 *
 * <p>Lateness is the series step's business: every visit that reaches this step counts. Its own
 * watermark only says when sessions end and are forgotten, and is never ahead of the series
 * step's; after a restore it starts from none (Flink does not checkpoint watermarks), which ends
 * and forgets sessions later, never wrongly.
 *
 * <p>The funnels' changes go to the side output {@link #FUNNELS}: each session's progress through
 * every funnel followed, from the same spans.
 *
 * <p>Changes are summed in a {@link DeltaBuffer} and handed on just before each watermark, each
 * checkpoint barrier and the input's end: whatever a change was made before goes out before it,
 * so a minute downstream is never dropped ahead of a change to it, and a checkpoint's state and
 * the changes handed on agree.
 */
public final class VisitorSessions extends AbstractStreamOperator<SessionDelta>
        implements OneInputStreamOperator<Visit, SessionDelta>, Triggerable<String, VoidNamespace> {

    /**
     * Visitors held by the {@link SpansMirror} of each parallel instance: a few hundred bytes each
     * with their key, and 16 more per event of a funnel step in their sessions, so some 15 to 20 MB
     * of heap per instance, for every visitor active within the last half hour at 50,000 a half hour
     * per instance. Past that a visitor's spans are read from the state again.
     */
    static final int MIRROR_CAPACITY = 50_000;

    /** How the sessions change each funnel's figures per start minute. */
    public static final OutputTag<FunnelDelta> FUNNELS = new OutputTag<>("funnels", TypeInformation.of(FunnelDelta.class));

    /** The name {@code KeyedProcessOperator} gives its timers, under which the first version's were checkpointed. */
    private static final String TIMERS = "user-timers";

    private final SessionTimes times;
    private final Funnels funnels;
    private final int mirrorCapacity;
    private transient ValueState<SessionSpans> spans;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient SpansMirror mirror;
    private transient DeltaBuffer pending;

    /** @param funnels the funnels whose steps the visits carry ({@code Visit#funnelSteps}) */
    public VisitorSessions(SessionTimes times, Funnels funnels) {
        this(times, funnels, MIRROR_CAPACITY);
    }

    /** With a mirror of another capacity, e.g. a tiny one to test the reads from state. */
    VisitorSessions(SessionTimes times, Funnels funnels, int mirrorCapacity) {
        this.times = times;
        this.funnels = funnels;
        this.mirrorCapacity = mirrorCapacity;
    }

    @Override
    protected void setup(StreamTask<?, ?> containingTask, StreamConfig config, Output<StreamRecord<SessionDelta>> output) {
        super.setup(containingTask, config, output);
        this.output = new HandingOnBeforeWatermarks(this.output);
    }

    @Override
    public void open() throws Exception {
        super.open();
        spans = getPartitionedState(new ValueStateDescriptor<>("spans", TypeInformation.of(SessionSpans.class)));
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        mirror = new SpansMirror(mirrorCapacity, this::save);
        pending = new DeltaBuffer();
    }

    @Override
    public void processElement(StreamRecord<Visit> element) throws Exception {
        String visitor = (String) getCurrentKey();
        SessionSpans current = current(visitor);
        Visit visit = element.getValue();
        SessionSpans.Change change = (current == null ? SessionSpans.none(funnels) : current)
                .add(visit.timestampMillis(), visit.funnelSteps(), timers.currentWatermark(), times, funnels);
        apply(visitor, change);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String visitor = timer.getKey();
        SessionSpans current = current(visitor);
        if (current == null) return;
        apply(visitor, current.advance(timers.currentWatermark(), times));
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // registers none
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        mirror.saveAll();
        handOn();
    }

    @Override
    public void finish() throws Exception {
        handOn();
        super.finish();
    }

    /** The changes summed since last time, out now; stamped with their minute, which is all downstream needs of time. */
    private void handOn() {
        pending.drain(
                delta -> output.collect(new StreamRecord<>(delta, delta.minuteStart())),
                delta -> output.collect(FUNNELS, new StreamRecord<>(delta, delta.minuteStart())));
    }

    /** The visitor's spans, from the mirror, else read from the state into it; null when it has none. */
    private SessionSpans current(String visitor) throws Exception {
        SessionSpans held = mirror.get(visitor);
        if (held != null) return held;
        SessionSpans stored = spans.value();
        if (stored == null) return null;
        SessionSpans followed = stored.under(funnels);
        // held as read, saved again only if the funnels changed them
        if (followed == stored) mirror.restored(visitor, stored);
        else mirror.changed(visitor, followed);
        return followed;
    }

    private void apply(String visitor, SessionSpans.Change change) throws Exception {
        if (change.spans().isEmpty()) {
            // rare (the visitor's last session forgotten): straight to the state
            mirror.remove(visitor);
            spans.clear();
        } else {
            mirror.changed(visitor, change.spans());
            mirror.trim();
        }
        change.deltas().forEach(pending::add);
        change.funnelDeltas().forEach(pending::add);
        if (change.timer() != SessionSpans.NO_TIMER) timers.registerEventTimeTimer(VoidNamespace.INSTANCE, change.timer());
    }

    /** Writes a visitor's spans to its state, then goes back to the current key. */
    private void save(String visitor, SessionSpans saved) throws Exception {
        Object current = getCurrentKey();
        setCurrentKey(visitor);
        spans.update(saved);
        if (current != null) setCurrentKey(current);
    }

    /** The operator's output, handing on the changes summed so far before any watermark or status leaves. */
    private final class HandingOnBeforeWatermarks implements Output<StreamRecord<SessionDelta>> {
        private final Output<StreamRecord<SessionDelta>> out;

        private HandingOnBeforeWatermarks(Output<StreamRecord<SessionDelta>> out) {
            this.out = out;
        }

        @Override
        public void emitWatermark(Watermark mark) {
            handOn();
            out.emitWatermark(mark);
        }

        @Override
        public void emitWatermark(WatermarkEvent watermark) {
            handOn();
            out.emitWatermark(watermark);
        }

        @Override
        public void emitWatermarkStatus(WatermarkStatus status) {
            handOn();
            out.emitWatermarkStatus(status);
        }

        @Override
        public void collect(StreamRecord<SessionDelta> record) {
            out.collect(record);
        }

        @Override
        public <X> void collect(OutputTag<X> tag, StreamRecord<X> record) {
            out.collect(tag, record);
        }

        @Override
        public void emitLatencyMarker(LatencyMarker latencyMarker) {
            out.emitLatencyMarker(latencyMarker);
        }

        @Override
        public void emitRecordAttributes(RecordAttributes recordAttributes) {
            out.emitRecordAttributes(recordAttributes);
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
