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
 * <p>A minute is judged when event time passes its end and the rule's delay, on a timer: the
 * metrics step emits a minute's final rows before it passes that watermark on, so by then every
 * row of the minute has arrived, whichever of the metrics' subtasks it came from, and in
 * whatever order minutes arrived, with the largest count of those re-emitted during the delay
 * (late events). A minute without a row counted nothing: the timer of the minute after the last
 * one judged sees to that, so a series that stops altogether still drops (the metrics step moves
 * event time on while all input is idle). A series quiet for its warm-up with nothing firing is
 * forgotten, state and timers, so series that come and go do not pile up. A final row of a
 * minute already judged changes nothing: an alert, once sent, is not taken back. At the end of
 * a bounded input (a watermark at the end of time) only the minutes up to the last with a row
 * are judged: no silence after it is made up.
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
        context.timerService().registerEventTimeTimer(judgedAt(minute));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Alert> out) throws Exception {
        long upTo = Math.floorDiv(timestamp - rule.delay().toMillis(), 60_000L);
        boolean endOfInput = context.timerService().currentWatermark() == Long.MAX_VALUE;
        AnomalyWatch current = watch.value();
        Long first = firstClosed();
        if (current == null) {
            if (first == null || first > upTo) return;
            current = AnomalyWatch.after(first - 1);
        }
        if (upTo <= current.lastMinute) return;
        if (endOfInput && (first == null || first > upTo)) { // the silence after the last row
            if (first == null) watch.clear();
            return;
        }
        String series = context.getCurrentKey();
        while (current.lastMinute < upTo) {
            long minute = current.lastMinute + 1;
            Long count = closed.get(minute);
            if (count != null) closed.remove(minute);
            current.judge(series, count == null ? 0 : count, rule).forEach(out::collect);
        }
        if (current.forgettable(rule) || (endOfInput && closed.isEmpty())) {
            watch.clear();
            return;
        }
        watch.update(current);
        if (!endOfInput) context.timerService().registerEventTimeTimer(judgedAt(upTo + 1));
    }

    private Long firstClosed() throws Exception {
        Long first = null;
        for (Iterator<Long> minutes = closed.keys().iterator(); minutes.hasNext(); ) {
            long minute = minutes.next();
            if (first == null || minute < first) first = minute;
        }
        return first;
    }

    /** The minute's last millisecond, when the metrics step makes its rows final, and the rule's delay. */
    private long judgedAt(long minute) {
        return MinuteWindow.maxTimestamp(minute * 60_000L) + rule.delay().toMillis();
    }
}
