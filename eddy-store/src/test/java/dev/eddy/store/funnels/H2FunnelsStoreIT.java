package dev.eddy.store.funnels;

import dev.eddy.store.DatabaseAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The funnels view on an H2 file database, as the embedded mode runs it. */
class H2FunnelsStoreIT extends FunnelsStoreContract {

    @TempDir
    Path dataDir;
    private final AtomicInteger databases = new AtomicInteger();

    @Override
    DatabaseAddress freshDatabase() {
        return DatabaseAddress.embedded(dataDir.resolve("data-dir-" + databases.incrementAndGet()));
    }
}
