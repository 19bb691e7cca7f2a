package dev.eddy.runtime.flink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Held on a checkpoints folder from looking for the job's live run to having submitted a new
 * one: two Eddies starting at once would otherwise both find none, and the second, preparing its
 * restore, delete the files of a checkpoint the first one's run is writing. Waits for another
 * Eddy's submission (seconds); the OS drops the lock when a process dies, however it dies.
 */
final class SubmissionLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private SubmissionLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static SubmissionLock acquire(Path checkpoints) throws IOException {
        Files.createDirectories(checkpoints);
        FileChannel channel = FileChannel.open(checkpoints.resolve(".eddy-submit.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            return new SubmissionLock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
