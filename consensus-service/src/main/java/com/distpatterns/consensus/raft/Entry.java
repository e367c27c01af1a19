package com.distpatterns.consensus.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One slot of the replicated log: the term it was created in, its index and an opaque payload.
 *
 * <p>The payload array is shared, not copied, on the hot path; nobody may mutate it once the entry exists.
 */
public record Entry(long term, long index, Type type, byte[] data) {

    /** Rough per-entry overhead counted against batch and apply limits besides the payload. */
    static final int OVERHEAD_BYTES = 24;

    /** What an entry carries: an application command, or a membership change for the engine itself. */
    public enum Type {
        NORMAL, CONF_CHANGE
    }

    public Entry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("term and index must not be negative: " + term + "/" + index);
        }
    }

    /** An application command. */
    public static Entry normal(long term, long index, byte[] data) {
        return new Entry(term, index, Type.NORMAL, data);
    }

    long sizeBytes() {
        return data.length + OVERHEAD_BYTES;
    }

    // Records compare arrays by identity; entries must compare by content (tests, duplicate detection).
    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && term == e.term && index == e.index && type == e.type
                && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(term, index, type, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Entry[" + index + "@" + term + (type == Type.NORMAL ? "" : " " + type) + ", " + data.length + "B]";
    }
}
