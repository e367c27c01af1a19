package com.distpatterns.consensus.raft;

/** What became of a proposal: appended at known indices, or refused with the reason. */
public sealed interface ProposalResult {

    /**
     * Appended to the leader's log in {@code term} at {@code [firstIndex, lastIndex]}. It succeeded once an entry
     * of that index and term is committed; if another term's entry is committed at that index, it was lost.
     */
    record Accepted(long firstIndex, long lastIndex, long term) implements ProposalResult {}

    /** Not appended; {@code leaderHint} is the leader this node knows of, or {@link RaftNode#NONE}. */
    record Rejected(Reason reason, long leaderHint) implements ProposalResult {}

    /** Why a proposal was refused. */
    enum Reason {
        NOT_LEADER,
        LEADERSHIP_TRANSFER_IN_PROGRESS,
        CONF_CHANGE_PENDING,
        INVALID_CONF_CHANGE
    }
}
