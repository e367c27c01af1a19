package com.distpatterns.consensus.core;

/** An election call that the election's state refuses (409): the caller's view of it is out of date. */
public final class ElectionConflictException extends RuntimeException {

    /** Why. */
    public enum Reason {
        /** The campaign did not become leader within its wait; its candidate key was removed. */
        CAMPAIGN_TIMED_OUT,
        /** The candidate key went while the campaign waited: its lease expired or was revoked, or it was deleted. */
        CANDIDACY_LOST,
        /** Resign or proclaim named a key (and revision) that is not the election's leader now. */
        NOT_LEADER
    }

    private final Reason reason;

    public ElectionConflictException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
