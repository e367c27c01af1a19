package com.distpatterns.consensus.raft;

/** The leader's view of one follower: how far its log matches and how to send it more. */
final class Progress {

    /** How the leader currently feeds this follower. */
    enum State {
        /** Unsure where the logs diverge: one append per heartbeat until one is accepted. */
        PROBE,
        /** Logs agree: stream appends optimistically, up to the in-flight limit. */
        REPLICATE,
        /** Needs entries that are compacted away: a snapshot is being sent. */
        SNAPSHOT
    }

    final long id;
    long match;
    long next;
    State state = State.PROBE;
    boolean learner;
    boolean recentActive;
    boolean probeSent;
    final Inflights inflights;

    /** Index of the snapshot being sent, and how many of its bytes the follower has acknowledged. */
    long pendingSnapshot;
    long snapshotTerm;
    long snapshotOffset;

    /** The highest read round this follower has echoed in the leader's current term. */
    long readRoundAcked;

    Progress(long id, long next, int maxInflight, boolean learner) {
        this.id = id;
        this.next = next;
        this.learner = learner;
        this.inflights = new Inflights(maxInflight);
    }

    void becomeProbe() {
        // Coming back from a snapshot, the follower has at least the snapshot.
        next = state == State.SNAPSHOT ? Math.max(match + 1, pendingSnapshot + 1) : match + 1;
        resetState(State.PROBE);
    }

    void becomeReplicate() {
        next = match + 1;
        resetState(State.REPLICATE);
    }

    void becomeSnapshot(long snapshotIndex, long term) {
        resetState(State.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
        snapshotTerm = term;
        snapshotOffset = 0;
    }

    private void resetState(State newState) {
        state = newState;
        probeSent = false;
        pendingSnapshot = 0;
        inflights.reset();
    }

    /** Records an acknowledgement up to {@code index}; returns whether it told the leader anything new. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * Handles a rejection of the append whose previous index was {@code rejected}; {@code hint} is the last
     * index where the logs may agree. Returns false when the rejection is stale.
     */
    boolean maybeDecreaseTo(long rejected, long hint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hint + 1), match + 1);
        probeSent = false;
        return true;
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    /** Accounts for an append carrying entries up to {@code lastIndex} just sent. */
    void sentEntries(long lastIndex, boolean carriedEntries) {
        switch (state) {
            case REPLICATE -> {
                if (carriedEntries) {
                    next = lastIndex + 1;
                    inflights.add(lastIndex);
                }
            }
            case PROBE -> probeSent = true;
            case SNAPSHOT -> throw new IllegalStateException("sending entries to a follower waiting for a snapshot");
        }
    }

    void reset(long next) {
        this.match = 0;
        this.next = next;
        this.recentActive = false;
        this.readRoundAcked = 0;
        resetState(State.PROBE);
    }
}
