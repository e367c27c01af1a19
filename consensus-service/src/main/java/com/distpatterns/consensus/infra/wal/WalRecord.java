package com.distpatterns.consensus.infra.wal;

import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.HardState;

/** What one checksummed record of the write-ahead log holds. */
public sealed interface WalRecord {

    /** A log entry; on replay it replaces any entry at its index or after (a leader overwrote them). */
    record EntryRecord(Entry entry) implements WalRecord {}

    /** The term, vote and commit index as of this point of the log. */
    record HardStateRecord(HardState hardState) implements WalRecord {}

    /** The log was replaced by a snapshot received from the leader: every entry before this record is gone. */
    record SnapshotRecord(long index, long term) implements WalRecord {}
}
