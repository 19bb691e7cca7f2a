package dev.eddy.store.testing;

import dev.eddy.store.DatabaseAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link PostgresServer} for a test class, started before its first test and stopped after
 * its last: {@code @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();}.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private final AtomicInteger databases = new AtomicInteger();
    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = PostgresServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    /** A new database of that name on the server. */
    public DatabaseAddress createDatabase(String name) {
        return server.createDatabase(name);
    }

    /** A new database named {@code prefix_N}, N counting the class's databases: one per test. */
    public DatabaseAddress freshDatabase(String prefix) {
        return createDatabase(prefix + "_" + databases.incrementAndGet());
    }
}
