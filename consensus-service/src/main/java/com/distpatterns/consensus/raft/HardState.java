package com.distpatterns.consensus.raft;

/** What a node must have on disk before it speaks: its term, whom it voted for in it, and the commit index. */
public record HardState(long term, long vote, long commit) {

    /** The state of a node that never ran. */
    public static final HardState EMPTY = new HardState(0, RaftNode.NONE, 0);

    public HardState {
        if (term < 0 || vote < 0 || commit < 0) {
            throw new IllegalArgumentException("hard state fields must not be negative");
        }
    }

    public boolean isEmpty() {
        return equals(EMPTY);
    }
}
