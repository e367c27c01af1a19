package com.distpatterns.consensus.core;

/** The cluster could not serve a call now; the client may retry later. */
public final class ConsensusUnavailableException extends RuntimeException {

    /** Why. */
    public enum Reason {
        /** No leader is known: an election is under way or the cluster lost its quorum. */
        NO_LEADER,
        /** The call was not done in time; a write's outcome is then unknown (it may still be applied). */
        TIMED_OUT,
        /** Too many calls are queued on this node. */
        OVERLOADED,
        /** This node's disk failed; it acknowledges nothing until restarted. */
        STORAGE_FAILED,
        /** The node is shutting down. */
        STOPPING
    }

    private final Reason reason;

    public ConsensusUnavailableException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
