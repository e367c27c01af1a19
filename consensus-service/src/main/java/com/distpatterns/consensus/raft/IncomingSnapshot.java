package com.distpatterns.consensus.raft;

import java.io.ByteArrayOutputStream;

/** The chunks of one leader's snapshot received so far by a follower. */
final class IncomingSnapshot {

    private final long leader;
    private final SnapshotMetadata metadata;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    IncomingSnapshot(long leader, SnapshotMetadata metadata) {
        this.leader = leader;
        this.metadata = metadata;
    }

    boolean isFor(long from, SnapshotMetadata other) {
        return leader == from && metadata.equals(other);
    }

    long size() {
        return buffer.size();
    }

    void append(byte[] chunk) {
        buffer.writeBytes(chunk);
    }

    Snapshot toSnapshot() {
        return new Snapshot(metadata, buffer.toByteArray());
    }
}
