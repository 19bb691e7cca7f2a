package dev.eddy.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Work on a connection of its own, committed whole or rolled back whole. */
public final class Transaction {

    /** What runs inside the transaction. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Connection connection) throws SQLException;
    }

    private Transaction() {}

    /**
     * @param failure what failed, for the {@link StoreException} a database error becomes
     * @return what the work returned, once committed
     */
    public static <R> R run(DataSource dataSource, Work<R> work, String failure) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                R result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
    }
}
