package dev.eddy.handlers;

import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A handler's progress in one partition of its topic while its lanes finish the partition's
 * records out of order: the place it may commit is the lowest offset taken and not yet done (done:
 * delivered, passed over, or its dead letter acknowledged), or the place after the last one read
 * when none is in flight. So a commit never steps over a record still in flight: at least once,
 * none skipped.
 *
 * <p>Records are taken by the handler's consumer thread and done by its lanes: every method is
 * synchronized. Once {@link #drop() dropped} (its partition revoked or lost, or the consumer
 * started over) nothing of it is committed any more, and the lanes leave its records they have
 * not begun: the partition is read again from its committed place, by whichever consumer has it.
 */
final class DoneOffsets {
    private static final long NONE = -1;

    private final TreeSet<Long> inFlight = new TreeSet<>();
    /** The offset after the last record taken, or the consumer's place past transaction markers; NONE before either. */
    private long next = NONE;
    /** The place last handed out to be committed. */
    private long handedOut = NONE;
    private boolean dropped;

    /** A record of the partition, read and handed to a lane; records are taken in their order. */
    synchronized void taken(long offset) {
        inFlight.add(offset);
        next = Math.max(next, offset + 1);
    }

    /** The record is done with: delivered, passed over or its dead letter acknowledged. */
    synchronized void done(long offset) {
        inFlight.remove(offset);
    }

    /**
     * The consumer's place after a poll ({@code ConsumerRecords.nextOffsets()}): past the records
     * it returned, which were all taken, and past the transaction markers and aborted records it
     * stepped over, which have nothing to deliver. Committed only once nothing before it is in
     * flight: keeping it lets the lag come down to 0.
     */
    synchronized void readUpTo(long nextOffset) {
        next = Math.max(next, nextOffset);
    }

    /**
     * The place to commit, when it moved on since the last one handed out: then this one counts
     * as handed out. Empty once dropped.
     */
    synchronized OptionalLong toCommit() {
        return toCommit(false);
    }

    /**
     * The place to commit even when it was handed out already: for the last, synchronous commit
     * before the partition or the consumer goes, as the asynchronous commit of the same place
     * may still be in flight, and fail.
     */
    synchronized OptionalLong lastToCommit() {
        return toCommit(true);
    }

    private OptionalLong toCommit(boolean again) {
        long place = inFlight.isEmpty() ? next : inFlight.first();
        if (dropped || place == NONE || place < handedOut || (place == handedOut && !again)) return OptionalLong.empty();
        handedOut = place;
        return OptionalLong.of(place);
    }

    /** The commit of {@code place} failed: it is handed out again, unless a later place was meanwhile. */
    synchronized void commitFailed(long place) {
        if (handedOut == place) handedOut = NONE;
    }

    synchronized void drop() {
        dropped = true;
    }

    synchronized boolean dropped() {
        return dropped;
    }
}
