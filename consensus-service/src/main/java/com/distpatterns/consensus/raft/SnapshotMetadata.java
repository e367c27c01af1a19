package com.distpatterns.consensus.raft;

import java.util.Objects;

/** Where a snapshot sits in the log: the last index and term it covers, and the membership at that index. */
public record SnapshotMetadata(long index, long term, ConfState confState) {

    public SnapshotMetadata {
        Objects.requireNonNull(confState, "confState");
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("snapshot index and term must not be negative");
        }
    }
}
