package dev.eddy.stream.sessions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Each visitor's sessions, keyed by visitor, from the events the series step counted; emits how
 * they change the figures of the minutes they started in ({@link SessionSpans} has the rules).
 *
 * <p>An event-time timer at a session's end makes it over, or, if it grew meanwhile, comes again
 * at its new end; a session over is forgotten once no event the series step accepts can touch it
 * ({@link SessionTimes#forgottenAt}), and the visitor's state with its last session. An event going
 * on with an open session, the common case, costs a state read and a write, no timer, no emission.
 *
 * <p>Lateness is the series step's business: every visit that reaches this step counts. Its own
 * watermark only says when sessions end and are forgotten, and is never ahead of the series
 * step's; after a restore it starts from none (Flink does not checkpoint watermarks), which ends
 * and forgets sessions later, never wrongly.
 */
public final class VisitorSessions extends KeyedProcessFunction<String, Visit, SessionDelta> {

    private final SessionTimes times;
    private transient ValueState<SessionSpans> spans;

    public VisitorSessions(SessionTimes times) {
        this.times = times;
    }

    @Override
    public void open(OpenContext context) {
        spans = getRuntimeContext().getState(new ValueStateDescriptor<>("spans", TypeInformation.of(SessionSpans.class)));
    }

    @Override
    public void processElement(Visit visit, Context context, Collector<SessionDelta> out) throws Exception {
        SessionSpans current = spans.value();
        TimerService timers = context.timerService();
        SessionSpans.Change change = (current == null ? SessionSpans.NONE : current)
                .add(visit.timestampMillis(), timers.currentWatermark(), times);
        apply(current, change, timers, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<SessionDelta> out) throws Exception {
        SessionSpans current = spans.value();
        if (current == null) return;
        TimerService timers = context.timerService();
        apply(current, current.advance(timers.currentWatermark(), times), timers, out);
    }

    private void apply(SessionSpans current, SessionSpans.Change change, TimerService timers,
                       Collector<SessionDelta> out) throws Exception {
        if (change.spans().isEmpty()) {
            spans.clear();
        } else if (change.spans() != current) {
            spans.update(change.spans());
        }
        change.deltas().forEach(out::collect);
        if (change.timer() != SessionSpans.NO_TIMER) timers.registerEventTimeTimer(change.timer());
    }
}
