package dev.eddy.stream.sessions;

import dev.eddy.model.sessions.SessionMetric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of the sessions, without the job's code: each visitor's event times sorted and
 * split at gaps longer than the gap, every session over.
 */
public final class SortedSessions {

    private SortedSessions() {}

    /** The rows by start minute, of the event times of each visitor. */
    public static Map<Instant, SessionMetric> rows(Collection<List<Long>> timesByVisitor, long gapMs) {
        Map<Instant, SessionMetric> rows = new HashMap<>();
        for (List<Long> visitorTimes : timesByVisitor) {
            List<Long> times = new ArrayList<>(visitorTimes);
            times.sort(null);
            int first = 0;
            for (int i = 1; i <= times.size(); i++) {
                if (i < times.size() && times.get(i) - times.get(i - 1) <= gapMs) continue;
                long start = times.get(first);
                int events = i - first;
                Instant minute = Instant.ofEpochMilli(start - Math.floorMod(start, 60_000L));
                rows.merge(minute, new SessionMetric(minute, 1, 1, times.get(i - 1) - start, events, events == 1 ? 1 : 0),
                        (a, b) -> new SessionMetric(minute, a.sessions() + b.sessions(), a.ended() + b.ended(),
                                a.lengthMillis() + b.lengthMillis(), a.events() + b.events(), a.bounces() + b.bounces()));
                first = i;
            }
        }
        return rows;
    }

    /** The rows the deltas add up to, by start minute; minutes they add up to nothing in left out. */
    public static Map<Instant, SessionMetric> summed(Collection<SessionDelta> deltas) {
        Map<Long, SessionDelta> byMinute = new HashMap<>();
        for (SessionDelta delta : deltas) byMinute.merge(delta.minuteStart(), delta, SessionDelta::plus);
        Map<Instant, SessionMetric> rows = new HashMap<>();
        for (SessionDelta total : byMinute.values()) if (!total.isZero()) rows.put(total.row().start(), total.row());
        return rows;
    }
}
