package dev.eddy.stream.sessions;

import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.stream.funnels.FunnelDelta;
import dev.eddy.stream.funnels.FunnelTally;
import dev.eddy.stream.time.DurationChecks;
import dev.eddy.stream.time.UpdateTicks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The rows of the sessions view, and of the funnels view, keyed by start minute: sums the
 * {@link SessionDelta}s of each minute (first input) and its {@link FunnelDelta}s (second input,
 * per funnel), and emits whole rows, at most once per update interval and only when they changed
 * (a processing-time timer aligned to the interval): session rows to the main output, funnel rows
 * to {@link #FUNNEL_ROWS}. Whole rows rather than changes, so that the sinks' upserts leave the
 * views exact whatever a restore replays.
 *
 * <p>A minute whose sessions are all over is dropped, its pending rows emitted first, once no
 * event the series step accepts can change it any more ({@link SessionTimes#minuteForgottenAt}),
 * on an event-time timer. Its funnel figures go with it: they are figures of the same sessions,
 * and only the sessions' deltas say when all of a minute's sessions are over (a funnel counts just
 * the sessions that entered it, and a session's end changes no funnel figure).
 *
 * <p>Funnel figures counted under a definition of the funnel that is not followed now (the config
 * changed between two runs) are replaced by the first delta of the new one, and never emitted.
 */
public final class SessionMinutes extends KeyedCoProcessFunction<Long, SessionDelta, FunnelDelta, SessionMetric> {

    /** The funnels view's rows. */
    public static final OutputTag<FunnelMetric> FUNNEL_ROWS = new OutputTag<>("funnel-rows", TypeInformation.of(FunnelMetric.class));

    private final SessionTimes times;
    private final Funnels funnels;
    private final long updateIntervalMs;
    private transient ValueState<SessionTally> tally;
    private transient MapState<String, FunnelTally> funnelTallies;

    public SessionMinutes(SessionTimes times, Funnels funnels, Duration updateInterval) {
        this.times = times;
        this.funnels = funnels;
        this.updateIntervalMs = DurationChecks.positive(updateInterval, "updateInterval").toMillis();
    }

    @Override
    public void open(OpenContext context) {
        tally = getRuntimeContext().getState(new ValueStateDescriptor<>("tally", TypeInformation.of(SessionTally.class)));
        funnelTallies = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("funnels", Types.STRING, TypeInformation.of(FunnelTally.class)));
    }

    @Override
    public void processElement1(SessionDelta delta, Context context, Collector<SessionMetric> out) throws Exception {
        SessionTally current = tally.value();
        track((current == null ? SessionTally.empty(delta.minuteStart()) : current).plus(delta), context.timerService());
    }

    /** May come before the session delta of the same change, on its own way here: the minute's tally starts then. */
    @Override
    public void processElement2(FunnelDelta delta, Context context, Collector<SessionMetric> out) throws Exception {
        funnelTallies.put(delta.funnel(), FunnelTally.plus(funnelTallies.get(delta.funnel()), delta));
        SessionTally current = tally.value();
        track(current == null ? SessionTally.empty(delta.minuteStart()) : current, context.timerService());
    }

    /** Keeps the minute's tally, with an update pending and, once all its sessions are over, the time it is dropped. */
    private void track(SessionTally next, TimerService timers) throws Exception {
        if (!next.updateScheduled()) {
            long at = UpdateTicks.next(timers.currentProcessingTime(), updateIntervalMs);
            timers.registerProcessingTimeTimer(at);
            next = next.scheduled(at);
        }
        // while a session is open its end brings another delta, which sets the timer then
        if (next.total().allEnded()) timers.registerEventTimeTimer(forgottenAt(next));
        tally.update(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<SessionMetric> out) throws Exception {
        SessionTally current = tally.value();
        if (current == null) return;
        Consumer<FunnelMetric> funnelRows = row -> context.output(FUNNEL_ROWS, row);
        if (context.timeDomain() == TimeDomain.PROCESSING_TIME) {
            tally.update(emitIfDirty(current.withoutUpdateTimer(), out));
            emitDirtyFunnels(funnelRows);
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
        emitDirtyFunnels(funnelRows);
        if (current.updateScheduled()) context.timerService().deleteProcessingTimeTimer(current.updateTimer());
        tally.clear();
        funnelTallies.clear();
    }

    private long forgottenAt(SessionTally tally) {
        return times.minuteForgottenAt(tally.total().minuteStart(), tally.total().latestEnd());
    }

    private static SessionTally emitIfDirty(SessionTally tally, Collector<SessionMetric> out) {
        if (!tally.dirty()) return tally;
        out.collect(tally.total().row());
        return tally.emitted();
    }

    /** The changed rows of the funnels followed; those of another definition stay unemitted. */
    private void emitDirtyFunnels(Consumer<FunnelMetric> out) throws Exception {
        List<FunnelTally> emitted = new ArrayList<>();
        for (Map.Entry<String, FunnelTally> entry : funnelTallies.entries()) {
            FunnelTally funnel = entry.getValue();
            if (!funnel.dirty() || !funnels.follows(entry.getKey(), funnel.total().definition())) continue;
            out.accept(funnel.total().row());
            emitted.add(funnel.emitted());
        }
        // written after the walk: not every backend's entries take a new value
        for (FunnelTally funnel : emitted) funnelTallies.put(funnel.total().funnel(), funnel);
    }
}
