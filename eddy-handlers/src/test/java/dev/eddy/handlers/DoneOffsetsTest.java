package dev.eddy.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DoneOffsetsTest {
    final DoneOffsets offsets = new DoneOffsets();

    @Test
    void nothingToCommitBeforeAnythingWasRead() {
        assertThat(offsets.toCommit()).isEmpty();
    }

    @Test
    void commitsUpToTheLowestRecordStillInFlight() {
        offsets.taken(10);
        offsets.taken(11);
        offsets.taken(12);
        assertThat(offsets.toCommit()).hasValue(10);

        offsets.done(12);
        offsets.done(11);
        assertThat(offsets.toCommit()).as("10 is still in flight: nothing after it").isEmpty();
        offsets.done(10);
        assertThat(offsets.toCommit()).hasValue(13);
    }

    @Test
    void handsEachPlaceOutOnce() {
        offsets.taken(5);
        offsets.done(5);
        assertThat(offsets.toCommit()).hasValue(6);
        assertThat(offsets.toCommit()).isEmpty();
    }

    @Test
    void stepsOverTransactionMarkersOnceNothingBeforeThemIsInFlight() {
        offsets.taken(3);
        offsets.readUpTo(5);
        assertThat(offsets.toCommit()).hasValue(3);
        offsets.done(3);
        assertThat(offsets.toCommit()).hasValue(5);

        DoneOffsets idle = new DoneOffsets();
        idle.readUpTo(7);
        assertThat(idle.toCommit()).as("a poll of markers alone").hasValue(7);
        idle.readUpTo(6);
        assertThat(idle.toCommit()).as("never back").isEmpty();
    }

    @Test
    void aFailedCommitIsHandedOutAgainUnlessALaterOneWas() {
        offsets.taken(1);
        offsets.done(1);
        OptionalLong first = offsets.toCommit();
        offsets.commitFailed(first.getAsLong());
        assertThat(offsets.toCommit()).hasValue(2);

        offsets.taken(2);
        offsets.done(2);
        assertThat(offsets.toCommit()).hasValue(3);
        offsets.commitFailed(2);
        assertThat(offsets.toCommit()).as("3 was handed out after 2: it covers it").isEmpty();
    }

    @Test
    void theLastCommitHandsOutAgainWhatAnAsynchronousOneMayStillFail() {
        offsets.taken(4);
        offsets.done(4);
        assertThat(offsets.toCommit()).hasValue(5);

        assertThat(offsets.lastToCommit()).as("the async commit of 5 may be in flight").hasValue(5);
        offsets.taken(5);
        assertThat(offsets.lastToCommit()).as("never back, never past what is in flight").hasValue(5);
        offsets.drop();
        assertThat(offsets.lastToCommit()).isEmpty();
    }

    @Test
    void nothingOfADroppedPartitionIsCommitted() {
        offsets.taken(1);
        offsets.drop();
        offsets.done(1);
        assertThat(offsets.dropped()).isTrue();
        assertThat(offsets.toCommit()).isEmpty();
    }
}
