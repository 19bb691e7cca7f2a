package dev.eddy.store.sessions;

import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.UpsertSink;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The Flink sink of the sessions view: {@link SessionsUpsert#SQL} by an {@link UpsertSink}. Feed it
 * from the operator partitioned by minute, at the same parallelism, so that one minute's rows
 * reach the database in the order they were made.
 */
public final class SessionsSink {

    private SessionsSink() {}

    public static Sink<SessionMetric> upserting(DatabaseAddress address) {
        return UpsertSink.of(address, SessionsUpsert.SQL, SessionsUpsert::bind);
    }
}
