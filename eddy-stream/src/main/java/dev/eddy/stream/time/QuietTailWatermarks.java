package dev.eddy.stream.time;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness watermarks (one generator per source split, i.e. per Kafka partition)
 * that keep event time moving when the input goes quiet.
 *
 * <ul>
 *   <li>Events arriving: the watermark trails the largest timestamp seen by the out-of-orderness.
 *   <li>A split that had events and got none for the idle timeout: its watermark moves on with
 *       the input's clock, as if the last event's time kept ticking (in live traffic that is
 *       "now − out-of-orderness"), so the last minute of a quiet stream becomes final without
 *       new events. Anchoring it to the last event rather than to the wall clock means that a
 *       backlog of old events is never declared late wholesale; the input-activity clock stops
 *       while the source is paused or back-pressured, so a stall does not count as quiet.
 *   <li>An output that had no event since the job (re)started goes idle after the idle timeout:
 *       it no longer holds event time back (an empty partition), nor moves it (it knows no time
 *       to anchor to). Flink also gives each source reader a main output next to its splits'
 *       outputs, which sees no event at all and whose watermark goes straight downstream: one
 *       following the wall clock, as this rule once did, declared a whole backlog older than the
 *       allowed lateness late ten seconds into its replay. Minutes left open by a restore that
 *       replays nothing are the metrics operator's to close ({@code MinuteMetricsOperator}).
 * </ul>
 * Events arriving after a quiet stretch may be behind the advanced watermark: they still count
 * while within the allowed lateness.
 */
public final class QuietTailWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrdernessMs;
    private final long idleTimeoutMs;
    private final RelativeClock clock;
    private final long createdAt;

    private long maxTimestamp = Long.MIN_VALUE;
    private long lastEventAt;
    private long emitted = Long.MIN_VALUE;

    /** @param clock the input-activity clock: stops while the source is paused or back-pressured */
    public QuietTailWatermarks(Duration outOfOrderness, Duration idleTimeout, RelativeClock clock) {
        this.outOfOrdernessMs = DurationChecks.notNegative(outOfOrderness, "outOfOrderness").toMillis();
        this.idleTimeoutMs = DurationChecks.positive(idleTimeout, "idleTimeout").toMillis();
        this.clock = clock;
        this.createdAt = clock.relativeTimeMillis();
        this.lastEventAt = createdAt;
    }

    /** The strategy for a source: these watermarks, with the event time taken by {@code timestamps}. */
    public static <T> WatermarkStrategy<T> strategy(
            Duration outOfOrderness, Duration idleTimeout, SerializableTimestampAssigner<T> timestamps) {
        return WatermarkStrategy.<T>forGenerator(
                        ctx -> new QuietTailWatermarks<>(
                                outOfOrderness, idleTimeout, ctx.getInputActivityClock()))
                .withTimestampAssigner(timestamps);
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        lastEventAt = clock.relativeTimeMillis();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.relativeTimeMillis();
        if (maxTimestamp == Long.MIN_VALUE) {
            if (now - createdAt >= idleTimeoutMs) output.markIdle();
            return;
        }
        long watermark = maxTimestamp - outOfOrdernessMs - 1;
        long quietFor = now - lastEventAt;
        if (quietFor >= idleTimeoutMs) watermark += quietFor;
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
