package dev.eddy.stream.sessions;

import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.stream.time.DurationChecks;
import dev.eddy.stream.time.UpdateTicks;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The sessions view's rows, keyed by start minute: sums the {@link SessionDelta}s of each minute
 * and emits its whole figures, at most once per update interval and only when they changed (a
 * processing-time timer aligned to the interval). Whole rows rather than changes, so that the
 * sink's upsert by minute leaves the view exact whatever a restore replays.
 *
 * <p>A minute whose sessions are all over is dropped, its pending figures emitted first, once no
 * event the series step accepts can change it any more ({@link SessionTimes#minuteForgottenAt}),
 * on an event-time timer.
 */
public final class SessionMinutes extends KeyedProcessFunction<Long, SessionDelta, SessionMetric> {

    private final SessionTimes times;
    private final long updateIntervalMs;
    private transient ValueState<SessionTally> tally;

    public SessionMinutes(SessionTimes times, Duration updateInterval) {
        this.times = times;
        this.updateIntervalMs = DurationChecks.positive(updateInterval, "updateInterval").toMillis();
    }

    @Override
    public void open(OpenContext context) {
        tally = getRuntimeContext().getState(new ValueStateDescriptor<>("tally", TypeInformation.of(SessionTally.class)));
    }

    @Override
    public void processElement(SessionDelta delta, Context context, Collector<SessionMetric> out) throws Exception {
        SessionTally current = tally.value();
        SessionTally next = (current == null ? SessionTally.empty(delta.minuteStart()) : current).plus(delta);
        if (!next.updateScheduled()) {
            long at = UpdateTicks.next(context.timerService().currentProcessingTime(), updateIntervalMs);
            context.timerService().registerProcessingTimeTimer(at);
            next = next.scheduled(at);
        }
        // while a session is open its end brings another delta, which sets the timer then
        if (next.total().allEnded()) context.timerService().registerEventTimeTimer(forgottenAt(next));
        tally.update(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<SessionMetric> out) throws Exception {
        SessionTally current = tally.value();
        if (current == null) return;
        if (context.timeDomain() == TimeDomain.PROCESSING_TIME) {
            tally.update(emitIfDirty(current.withoutUpdateTimer(), out));
            return;
        }
        // a minute with sessions open again: their end brings a delta, which sets the timer then
        if (!current.total().allEnded()) return;
        if (timestamp < forgottenAt(current)) {
            // grown since, or restored under a longer allowed lateness: again when nothing can change it
            context.timerService().registerEventTimeTimer(forgottenAt(current));
            return;
        }
        emitIfDirty(current, out);
        if (current.updateScheduled()) context.timerService().deleteProcessingTimeTimer(current.updateTimer());
        tally.clear();
    }

    private long forgottenAt(SessionTally tally) {
        return times.minuteForgottenAt(tally.total().minuteStart(), tally.total().latestEnd());
    }

    private static SessionTally emitIfDirty(SessionTally tally, Collector<SessionMetric> out) {
        if (!tally.dirty()) return tally;
        out.collect(tally.total().row());
        return tally.emitted();
    }
}
