package dev.eddy.server.query;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of {@code GET /v1/funnels/{name}}: per step the sessions of the range's minutes that
 * reached it, summed, and what share they are of those that entered and of those that reached the
 * step before (null where that is none: a zero would read as everyone dropping out); then the
 * range's minutes as the view holds them.
 */
record FunnelAnswer(String funnel, List<StepTotal> steps, List<Minute> minutes) {

    /** One step over the range; {@code ofPrevious} is null for the first step, which has none before it. */
    record StepTotal(String step, long sessions, Double ofFirst, Double ofPrevious) {}

    /** Of the sessions that started in the minute, how many reached each step. */
    record Minute(Instant start, List<Long> reached) {}

    /** @param minutes the funnel's rows in the range, each of the funnel's steps */
    static FunnelAnswer of(Funnel funnel, List<FunnelMetric> minutes) {
        long[] sums = new long[funnel.steps().size()];
        for (FunnelMetric minute : minutes) {
            for (int step = 0; step < sums.length; step++) sums[step] += minute.reached().get(step);
        }
        List<StepTotal> steps = new ArrayList<>();
        for (int step = 0; step < sums.length; step++) {
            BigDecimal sessions = BigDecimal.valueOf(sums[step]);
            steps.add(new StepTotal(funnel.steps().get(step).toString(), sums[step],
                    Ratio.of(sessions, sums[0], Ratio.RATE_DECIMALS),
                    step == 0 ? null : Ratio.of(sessions, sums[step - 1], Ratio.RATE_DECIMALS)));
        }
        return new FunnelAnswer(funnel.name(), steps,
                minutes.stream().map(minute -> new Minute(minute.start(), minute.reached())).toList());
    }
}
