package com.distpatterns.consensus.raft;

import java.util.Arrays;
import java.util.Objects;

/** The state machine's image at an index, replacing the log prefix up to that index. */
public record Snapshot(SnapshotMetadata metadata, byte[] data) {

    public Snapshot {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(data, "data");
    }

    public long index() {
        return metadata.index();
    }

    public long term() {
        return metadata.term();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && metadata.equals(s.metadata) && Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() {
        return 31 * metadata.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Snapshot[" + metadata.index() + "@" + metadata.term() + ", " + data.length + "B, "
                + metadata.confState() + "]";
    }
}
