package com.distpatterns.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RaftLogTest {

    private static Entry entry(long term, long index) {
        return Entry.normal(term, index, new byte[0]);
    }

    /** Bootstrap at 1, then terms 1,1,2,2,2,4 at indices 2..7. */
    private static RaftLog log() {
        MemoryStorage storage = MemoryStorage.bootstrap(ConfState.ofVoters(List.of(1L)));
        storage.append(List.of(entry(1, 2), entry(1, 3), entry(2, 4), entry(2, 5), entry(2, 6), entry(4, 7)));
        return new RaftLog(storage);
    }

    @Test
    void appendsOnlyWhenThePreviousEntryMatches() {
        RaftLog log = log();
        assertThat(log.maybeAppend(7, 3, 7, List.of(entry(5, 8)))).as("wrong previous term").isEqualTo(-1);
        assertThat(log.maybeAppend(9, 4, 7, List.of(entry(5, 10)))).as("gap").isEqualTo(-1);
        assertThat(log.maybeAppend(7, 4, 8, List.of(entry(5, 8)))).isEqualTo(8);
        assertThat(log.committed()).isEqualTo(8);
    }

    @Test
    void aConflictTruncatesTheSuffixButNeverCommittedEntries() {
        RaftLog log = log();
        assertThat(log.maybeAppend(3, 1, 3, List.of(entry(3, 4)))).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.term(4)).isEqualTo(3);
        assertThatThrownBy(() -> log.maybeAppend(1, 1, 3, List.of(entry(9, 2))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theCommitIndexNeverPassesTheLastNewEntry() {
        RaftLog log = log();
        assertThat(log.maybeAppend(3, 1, 100, List.of())).isEqualTo(3);
        assertThat(log.committed()).isEqualTo(3);
    }

    @Test
    void findConflictByTermSkipsAWholeTerm() {
        RaftLog log = log();
        assertThat(log.findConflictByTerm(7, 3)).as("last index of a term <= 3").isEqualTo(6);
        assertThat(log.findConflictByTerm(6, 1)).isEqualTo(3);
        assertThat(log.findConflictByTerm(100, 4)).isEqualTo(7);
    }

    @Test
    void aLogIsUpToDateByLastTermThenLength() {
        RaftLog log = log();
        assertThat(log.isUpToDate(2, 5)).isTrue();
        assertThat(log.isUpToDate(7, 4)).isTrue();
        assertThat(log.isUpToDate(6, 4)).isFalse();
        assertThat(log.isUpToDate(100, 3)).isFalse();
    }

    @Test
    void onlyEntriesOfTheGivenTermCommitByQuorum() {
        RaftLog log = log();
        assertThat(log.maybeCommit(6, 4)).as("index 6 is of term 2").isFalse();
        assertThat(log.maybeCommit(7, 4)).isTrue();
        assertThat(log.committed()).isEqualTo(7);
    }
}
