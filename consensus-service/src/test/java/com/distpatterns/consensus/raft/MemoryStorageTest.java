package com.distpatterns.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryStorageTest {

    private static Entry entry(long term, long index) {
        return Entry.normal(term, index, new byte[] {(byte) index});
    }

    private static MemoryStorage withEntries() {
        MemoryStorage storage = MemoryStorage.bootstrap(ConfState.ofVoters(List.of(1L)));
        storage.append(List.of(entry(1, 2), entry(1, 3), entry(2, 4), entry(2, 5)));
        return storage;
    }

    @Test
    void aBootstrappedStorageStartsAfterTheMembershipSnapshot() {
        MemoryStorage storage = MemoryStorage.bootstrap(ConfState.ofVoters(List.of(1L, 2L)));
        assertThat(storage.firstIndex()).isEqualTo(2);
        assertThat(storage.lastIndex()).isEqualTo(1);
        assertThat(storage.term(1)).isEqualTo(1);
        assertThat(storage.initialState().confState().voters()).containsExactly(1L, 2L);
    }

    @Test
    void appendingOverlappingEntriesReplacesTheConflictingSuffix() {
        MemoryStorage storage = withEntries();
        storage.append(List.of(entry(3, 4), entry(3, 5), entry(3, 6)));
        assertThat(storage.entries(2, 7, Long.MAX_VALUE)).extracting(Entry::term).containsExactly(1L, 1L, 3L, 3L, 3L);
        storage.append(List.of(entry(4, 3)));
        assertThat(storage.lastIndex()).isEqualTo(3);
    }

    @Test
    void entriesStopAtTheSizeLimitButReturnAtLeastOne() {
        MemoryStorage storage = withEntries();
        assertThat(storage.entries(2, 6, 1)).hasSize(1);
        assertThat(storage.entries(2, 6, 2 * (Entry.OVERHEAD_BYTES + 1))).hasSize(2);
    }

    @Test
    void compactionDropsThePrefixThatTheSnapshotCovers() {
        MemoryStorage storage = withEntries();
        storage.createSnapshot(4, ConfState.ofVoters(List.of(1L)), new byte[] {42});
        storage.compact(3);
        assertThat(storage.firstIndex()).isEqualTo(4);
        assertThat(storage.term(3)).isEqualTo(1);
        assertThatThrownBy(() -> storage.term(2)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.entries(3, 5, Long.MAX_VALUE)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.compact(5)).as("past the snapshot")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyingASnapshotReplacesTheLog() {
        MemoryStorage storage = withEntries();
        Snapshot snapshot = new Snapshot(new SnapshotMetadata(10, 3, ConfState.ofVoters(List.of(1L, 2L))),
                new byte[] {7});
        storage.applySnapshot(snapshot);
        assertThat(storage.firstIndex()).isEqualTo(11);
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.term(10)).isEqualTo(3);
        assertThat(storage.initialState().confState().voters()).containsExactly(1L, 2L);
        assertThatThrownBy(() -> storage.applySnapshot(snapshot)).isInstanceOf(IllegalArgumentException.class);
    }
}
