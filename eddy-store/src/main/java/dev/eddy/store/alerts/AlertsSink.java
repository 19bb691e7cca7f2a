package dev.eddy.store.alerts;

import dev.eddy.model.alerts.Alert;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.UpsertSink;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The Flink sink of the alerts view: {@link AlertsUpsert#SQL} by an {@link UpsertSink}. Feed it
 * from the operator partitioned by series, at the same parallelism.
 */
public final class AlertsSink {

    private AlertsSink() {}

    public static Sink<Alert> upserting(DatabaseAddress address) {
        return UpsertSink.of(address, AlertsUpsert.SQL, AlertsUpsert::bind);
    }
}
