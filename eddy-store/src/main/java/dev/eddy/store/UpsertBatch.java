package dev.eddy.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes rows into a view by its upsert outside Flink, as the {@link UpsertSink} does inside it: in
 * one transaction, in list order, so a later figure for the same key overwrites an earlier one.
 */
public final class UpsertBatch {

    /** Sets the upsert's parameters to one row's figures. */
    @FunctionalInterface
    public interface Binder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    private UpsertBatch() {}

    /** @param view the view's name, for the error */
    public static <T> void upsertAll(DataSource dataSource, String upsertSql, Binder<T> binder, List<T> rows,
                                     String view) {
        Transaction.run(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(upsertSql)) {
                for (T row : rows) {
                    binder.bind(statement, row);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        }, "upserting into " + view + " failed");
    }
}
