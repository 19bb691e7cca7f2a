package dev.eddy.store.sessions;

import dev.eddy.model.sessions.SessionMetric;
import java.util.List;

/**
 * The figures of a range of minutes of the sessions view, each summed over its minutes: they all
 * add up (see {@link SessionMetric}), so a range's averages are these divided.
 */
public record SessionTotal(long sessions, long ended, long lengthMillis, long events, long bounces) {

    static SessionTotal of(List<SessionMetric> minutes) {
        long sessions = 0, ended = 0, lengthMillis = 0, events = 0, bounces = 0;
        for (SessionMetric minute : minutes) {
            sessions += minute.sessions();
            ended += minute.ended();
            lengthMillis += minute.lengthMillis();
            events += minute.events();
            bounces += minute.bounces();
        }
        return new SessionTotal(sessions, ended, lengthMillis, events, bounces);
    }
}
