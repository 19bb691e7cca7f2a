package dev.eddy.runtime.lock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An OS lock on a file, held until closed: other processes' Eddies see it, and the OS drops it
 * when the process dies, however it dies.
 */
public final class HeldFileLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private HeldFileLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock on {@code file} (created if missing), empty when another holder has it. */
    public static Optional<HeldFileLock> tryAcquire(Path file) throws IOException {
        FileChannel channel = open(file);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        return Optional.of(new HeldFileLock(channel, lock));
    }

    /** The lock on {@code file} (created if missing), once another holder let it go. */
    public static HeldFileLock acquire(Path file) throws IOException {
        FileChannel channel = open(file);
        try {
            return new HeldFileLock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
