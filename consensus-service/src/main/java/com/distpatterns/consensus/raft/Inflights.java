package com.distpatterns.consensus.raft;

/** The last indices of appends sent to one follower and not yet acknowledged, bounded to pace replication. */
final class Inflights {

    private final long[] lastIndices;
    private int start;
    private int count;

    Inflights(int capacity) {
        this.lastIndices = new long[capacity];
    }

    boolean full() {
        return count == lastIndices.length;
    }

    int count() {
        return count;
    }

    void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("no room for another append in flight");
        }
        lastIndices[(start + count) % lastIndices.length] = lastIndex;
        count++;
    }

    /** Forgets every append up to {@code index}, which the follower acknowledged. */
    void freeLE(long index) {
        while (count > 0 && lastIndices[start] <= index) {
            start = (start + 1) % lastIndices.length;
            count--;
        }
    }

    void freeFirstOne() {
        if (count > 0) {
            start = (start + 1) % lastIndices.length;
            count--;
        }
    }

    void reset() {
        start = 0;
        count = 0;
    }
}
