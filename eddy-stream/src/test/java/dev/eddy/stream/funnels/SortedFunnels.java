package dev.eddy.stream.funnels;

import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.Funnels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of the funnels, without the job's code: each visitor's events sorted and split
 * at gaps longer than the gap, each session taken through {@link Funnel#reached}.
 */
public final class SortedFunnels {

    /** An event as a funnel step matches it. */
    public record Kind(EventType type, String event, String name) {
        public static Kind page(String name) {
            return new Kind(EventType.PAGE, null, name);
        }

        public static Kind track(String event) {
            return new Kind(EventType.TRACK, event, null);
        }

        public long steps(Funnels funnels) {
            return funnels.stepsOf(type, event, name);
        }
    }

    /** One visitor's event. */
    public record Step(long time, Kind kind) {}

    private SortedFunnels() {}

    /** The rows of each visitor's events, those of no session that entered left out. */
    public static List<FunnelMetric> rows(Collection<List<Step>> byVisitor, long gapMs, Funnels funnels) {
        Map<String, long[]> rows = new HashMap<>();
        for (List<Step> visitor : byVisitor) {
            List<Step> sorted = new ArrayList<>(visitor);
            sorted.sort(Comparator.comparingLong(Step::time));
            int first = 0;
            for (int i = 1; i <= sorted.size(); i++) {
                if (i < sorted.size() && sorted.get(i).time() - sorted.get(i - 1).time() <= gapMs) continue;
                List<Step> session = sorted.subList(first, i);
                long start = session.get(0).time();
                long minute = start - Math.floorMod(start, 60_000L);
                for (Funnel funnel : funnels.list()) {
                    int reached = funnel.reached(session.stream().map(step -> new Funnel.Step(
                            funnel.stepOf(step.kind().type(), step.kind().event(), step.kind().name()), step.time())).toList());
                    long[] row = rows.computeIfAbsent(funnel.name() + "@" + minute, k -> new long[funnel.steps().size()]);
                    for (int s = 0; s < reached; s++) row[s]++;
                }
                first = i;
            }
        }
        List<FunnelMetric> out = new ArrayList<>();
        rows.forEach((key, reached) -> {
            if (reached[0] == 0) return;
            int at = key.lastIndexOf('@');
            out.add(new FunnelMetric(key.substring(0, at), Instant.ofEpochMilli(Long.parseLong(key.substring(at + 1))),
                    Arrays.stream(reached).boxed().toList()));
        });
        return out;
    }

    /** The rows the deltas add up to; rows of nothing left out. */
    public static List<FunnelMetric> summed(Collection<FunnelDelta> deltas) {
        Map<String, FunnelDelta> byKey = new HashMap<>();
        for (FunnelDelta delta : deltas) byKey.merge(delta.key(), delta, FunnelDelta::plus);
        return byKey.values().stream().filter(total -> total.reached()[0] != 0).map(FunnelDelta::row).toList();
    }
}
