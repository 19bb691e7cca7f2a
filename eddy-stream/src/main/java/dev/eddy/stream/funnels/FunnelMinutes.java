package dev.eddy.stream.funnels;

import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.sessions.SessionTimes;
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
 * The funnels view's rows, keyed by funnel and start minute ({@link FunnelDelta#key}): sums the
 * deltas and emits the whole row at most once per update interval when it changed, as the
 * sessions' {@code SessionMinutes} does, for the same reasons (an idempotent upsert stays exact
 * whatever a restore replays).
 *
 * <p>A minute whose entered sessions are all over is dropped once no accepted event can change it
 * ({@link SessionTimes#minuteForgottenAt}). Figures of a funnel since redefined (the config changed
 * between two runs) start over: a delta of the new definition replaces them, and they are dropped
 * unemitted when their minute's time comes.
 */
public final class FunnelMinutes extends KeyedProcessFunction<String, FunnelDelta, FunnelMetric> {

    private final SessionTimes times;
    private final Funnels funnels;
    private final long updateIntervalMs;
    private transient ValueState<FunnelTally> tally;

    public FunnelMinutes(SessionTimes times, Funnels funnels, Duration updateInterval) {
        this.times = times;
        this.funnels = funnels;
        this.updateIntervalMs = DurationChecks.positive(updateInterval, "updateInterval").toMillis();
    }

    @Override
    public void open(OpenContext context) {
        tally = getRuntimeContext().getState(new ValueStateDescriptor<>("tally", TypeInformation.of(FunnelTally.class)));
    }

    @Override
    public void processElement(FunnelDelta delta, Context context, Collector<FunnelMetric> out) throws Exception {
        FunnelTally current = tally.value();
        if (current == null || current.total().definition() != delta.definition()) current = FunnelTally.emptyFor(delta);
        FunnelTally next = current.plus(delta);
        if (!next.updateScheduled()) {
            long at = UpdateTicks.next(context.timerService().currentProcessingTime(), updateIntervalMs);
            context.timerService().registerProcessingTimeTimer(at);
            next = next.scheduled(at);
        }
        // every delta sets one: while a session is open its end brings another delta
        context.timerService().registerEventTimeTimer(forgottenAt(next));
        tally.update(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<FunnelMetric> out) throws Exception {
        FunnelTally current = tally.value();
        if (current == null) return;
        boolean followed = funnels.follows(current.total().funnel(), current.total().definition());
        if (context.timeDomain() == TimeDomain.PROCESSING_TIME) {
            tally.update(followed ? emitIfDirty(current.withoutUpdateTimer(), out) : current.withoutUpdateTimer());
            return;
        }
        if (timestamp < forgottenAt(current)) {
            // grown since (its timer is set then), or restored under a longer allowed lateness
            context.timerService().registerEventTimeTimer(forgottenAt(current));
            return;
        }
        if (followed && !current.total().allEnded()) return;
        if (followed) emitIfDirty(current, out);
        if (current.updateScheduled()) context.timerService().deleteProcessingTimeTimer(current.updateTimer());
        tally.clear();
    }

    private long forgottenAt(FunnelTally tally) {
        return times.minuteForgottenAt(tally.total().minuteStart(), tally.total().latestEnd());
    }

    private static FunnelTally emitIfDirty(FunnelTally tally, Collector<FunnelMetric> out) {
        if (!tally.dirty()) return tally;
        out.collect(tally.total().row());
        return tally.emitted();
    }
}
