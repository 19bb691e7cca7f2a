package dev.eddy.runtime;

import dev.eddy.model.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One Eddy per data dir, held for its lifetime: a second one would share the first one's
 * broker log, views and checkpoints, and on start delete the first one's checkpoints as old.
 * The embedded broker and H2 lock their own files, but with an external Kafka and PostgreSQL
 * nothing else would stop it. The OS drops the lock when the process dies, however it dies.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve("eddy.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new ConfigException("another Eddy runs on the data dir " + dataDir
                    + ": stop it, or start this one with its own --data-dir");
        }
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
