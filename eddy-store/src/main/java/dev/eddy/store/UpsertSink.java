package dev.eddy.store;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * A Flink sink of at-least-once JDBC writes of an idempotent upsert into a view: replays after a
 * restore rewrite rows with the figures they had, so at-least-once plus the idempotent upsert
 * gives exact views without XA transactions.
 *
 * <p>The connector executes each batch in arrival order, so when a key appears twice in one
 * batch its later figures win. That holds per sink subtask: feed the sink from the operator
 * that is partitioned by the view's key, at the same parallelism, so one key is always written
 * by one subtask.
 */
public final class UpsertSink {

    /** Rows show within this delay rather than only at checkpoints (the connector's default). */
    private static final long BATCH_INTERVAL_MS = 200;

    private static final int BATCH_SIZE = 100;

    /** Rides out a database restart or a dropped connection; the connector reconnects. */
    private static final int MAX_RETRIES = 5;

    private UpsertSink() {}

    public static <T> Sink<T> of(DatabaseAddress address, String upsertSql, JdbcStatementBuilder<T> bind) {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder connection =
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(address.url())
                        .withDriverName(address.driverClassName());
        if (address.user() != null) {
            connection.withUsername(address.user());
        }
        if (address.password() != null) {
            connection.withPassword(address.password());
        }
        return JdbcSink.<T>builder()
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchIntervalMs(BATCH_INTERVAL_MS)
                        .withBatchSize(BATCH_SIZE)
                        .withMaxRetries(MAX_RETRIES)
                        .build())
                .withQueryStatement(upsertSql, bind)
                .buildAtLeastOnce(connection.build());
    }
}
