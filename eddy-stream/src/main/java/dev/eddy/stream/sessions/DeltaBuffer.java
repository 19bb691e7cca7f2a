package dev.eddy.stream.sessions;

import dev.eddy.stream.funnels.FunnelDelta;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The changes {@link VisitorSessions} has made since it last handed them on, summed: per start
 * minute for the sessions, per funnel and start minute for the funnels. The figures downstream
 * are sums, so a sum of changes is as good as the changes one by one, and the step that keeps
 * them reads and writes its state once per minute and funnel instead of once per change: during
 * a catch-up, a few hundred milliseconds of changes fall into a handful of minutes.
 */
final class DeltaBuffer {

    private final Map<Long, SessionDelta> sessions = new LinkedHashMap<>();
    private final Map<String, FunnelDelta> funnels = new LinkedHashMap<>();

    void add(SessionDelta delta) {
        sessions.merge(delta.minuteStart(), delta, SessionDelta::plus);
    }

    void add(FunnelDelta delta) {
        funnels.merge(delta.key(), delta, FunnelDelta::plus);
    }

    /** Hands on the sums, those that change a figure, and starts anew. */
    void drain(Consumer<SessionDelta> sessionsOut, Consumer<FunnelDelta> funnelsOut) {
        // a session delta changing no figure still carries its latest end, which says how long its minute is kept
        sessions.values().forEach(sessionsOut);
        funnels.values().stream().filter(delta -> !delta.isZero()).forEach(funnelsOut);
        sessions.clear();
        funnels.clear();
    }
}
