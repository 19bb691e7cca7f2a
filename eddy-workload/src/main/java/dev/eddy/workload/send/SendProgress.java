package dev.eddy.workload.send;

/**
 * Told after every acknowledged batch. Calls are serialised and {@code acknowledged} never
 * decreases, so a progress bar can step to it directly; they come from sender threads.
 */
@FunctionalInterface
public interface SendProgress {
    /**
     * @param acknowledged distinct messages acknowledged so far (deliberate duplicates excluded)
     * @param total messages the run will send, or -1 when it runs for a wall-clock time or until stopped
     */
    void update(long acknowledged, long total);

    SendProgress NONE = (acknowledged, total) -> { };
}
