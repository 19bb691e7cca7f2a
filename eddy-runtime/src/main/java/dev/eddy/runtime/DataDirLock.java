package dev.eddy.runtime;

import dev.eddy.model.config.ConfigException;
import dev.eddy.runtime.lock.HeldFileLock;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One Eddy per data dir, held for its lifetime: a second one would share the first one's
 * broker log, views and checkpoints, and on start delete the first one's checkpoints as old.
 * The embedded broker and H2 lock their own files, but with an external Kafka and PostgreSQL
 * nothing else would stop it.
 */
final class DataDirLock {
    private DataDirLock() {}

    static HeldFileLock acquire(Path dataDir) throws IOException {
        return HeldFileLock.tryAcquire(dataDir.resolve("eddy.lock")).orElseThrow(() -> new ConfigException(
                "another Eddy runs on the data dir " + dataDir + ": stop it, or start this one with its own --data-dir"));
    }
}
