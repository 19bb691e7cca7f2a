package dev.eddy.stream.alerts;

import dev.eddy.model.alerts.Alert;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.stream.metrics.MinuteWindow;
import java.util.Iterator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Judges each series' closed minutes in order, keyed by series, from the final rows of the
 * per-minute metrics, and emits the alerts its {@link AnomalyWatch} raises.
 *
 * <p>A minute is judged when event time passes its end, on a timer: the metrics step emits a
 * minute's final rows before it passes that watermark on, so by then every row of the minute
 * has arrived, whichever of the metrics' subtasks it came from, and in whatever order minutes
 * arrived. A minute without a row counted nothing: the timer of the minute after the last one
 * judged sees to that, so a series that stops altogether still drops. A series quiet for its
 * warm-up with nothing firing is forgotten, state and timers, so series that come and go do
 * not pile up. A final row of a minute already judged (an event late within the allowed
 * lateness) changes nothing: an alert, once sent, is not taken back.
 */
public final class AnomalyDetector extends KeyedProcessFunction<String, MinuteMetric, Alert> {

    private final AlertRule rule;
    private transient ValueState<AnomalyWatch> watch;
    /** Counts of closed minutes not judged yet, by minute since the epoch. */
    private transient MapState<Long, Long> closed;

    public AnomalyDetector(AlertRule rule) {
        this.rule = rule;
    }

    @Override
    public void open(OpenContext context) {
        watch = getRuntimeContext().getState(new ValueStateDescriptor<>("watch", TypeInformation.of(AnomalyWatch.class)));
        closed = getRuntimeContext().getMapState(new MapStateDescriptor<>("closed-minutes", Types.LONG, Types.LONG));
    }

    /** Expects final rows only. */
    @Override
    public void processElement(MinuteMetric row, Context context, Collector<Alert> out) throws Exception {
        long minute = row.start().getEpochSecond() / 60;
        AnomalyWatch current = watch.value();
        if (current != null && minute <= current.lastMinute) return;
        Long had = closed.get(minute);
        if (had == null || row.count() > had) closed.put(minute, row.count());
        context.timerService().registerEventTimeTimer(lastMillisOf(minute));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Alert> out) throws Exception {
        long upTo = Math.floorDiv(timestamp, 60_000L);
        AnomalyWatch current = watch.value();
        if (current == null) {
            Long first = firstClosed();
            if (first == null || first > upTo) return;
            current = AnomalyWatch.after(first - 1);
        }
        if (upTo <= current.lastMinute) return;
        String series = context.getCurrentKey();
        while (current.lastMinute < upTo) {
            long minute = current.lastMinute + 1;
            Long count = closed.get(minute);
            if (count != null) closed.remove(minute);
            current.judge(series, count == null ? 0 : count, rule).forEach(out::collect);
        }
        if (current.forgettable(rule)) {
            watch.clear();
            return;
        }
        watch.update(current);
        context.timerService().registerEventTimeTimer(lastMillisOf(upTo + 1));
    }

    private Long firstClosed() throws Exception {
        Long first = null;
        for (Iterator<Long> minutes = closed.keys().iterator(); minutes.hasNext(); ) {
            long minute = minutes.next();
            if (first == null || minute < first) first = minute;
        }
        return first;
    }

    /** The minute's last millisecond: when the metrics step makes its rows final. */
    private static long lastMillisOf(long minute) {
        return MinuteWindow.maxTimestamp(minute * 60_000L);
    }
}
