package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.ConsensusUnavailableException.Reason;
import com.distpatterns.consensus.core.MembershipException;
import com.distpatterns.consensus.infra.driver.DriverInput.ConfProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.Proposal;
import com.distpatterns.consensus.raft.ConfChange;

/**
 * What a waiting caller is told when its call cannot be done, in one place: every piece of the driver fails calls
 * for the same reasons, and the client reads these words. Stateless.
 */
final class Failures {

    private Failures() {}

    static ConsensusUnavailableException noLeader(long selfId) {
        return new ConsensusUnavailableException(Reason.NO_LEADER,
                "No leader: the cluster is electing one or has lost its quorum (node " + selfId
                        + " sees no leader); try again shortly.");
    }

    static ConsensusUnavailableException timedOut(Proposal p) {
        return new ConsensusUnavailableException(Reason.TIMED_OUT, p instanceof ConfProposal
                ? "The membership change was not applied in time; it may still be. Check GET /api/cluster."
                : "The write was not committed in time; it may still be applied. Read the key to find out.");
    }

    static ConsensusUnavailableException readNotConfirmed() {
        return new ConsensusUnavailableException(Reason.TIMED_OUT,
                "The leader did not confirm the read in time; try again.");
    }

    /** The write may or may not have been applied. */
    static ConsensusUnavailableException outcomeUnknown() {
        return new ConsensusUnavailableException(Reason.TIMED_OUT,
                "The outcome of the write is unknown; read the key to find out.");
    }

    /** The write may or may not have been applied, {@code because} this node skipped the entries that would tell. */
    static ConsensusUnavailableException outcomeUnknown(String because) {
        return new ConsensusUnavailableException(Reason.TIMED_OUT,
                "The outcome of the write is unknown (" + because + "); read the key to find out.");
    }

    static ConsensusUnavailableException storageFailed(long selfId) {
        return new ConsensusUnavailableException(Reason.STORAGE_FAILED,
                "Node " + selfId
                        + " cannot write to its disk and acknowledges nothing until restarted; use another node.");
    }

    static ConsensusUnavailableException stopping() {
        return new ConsensusUnavailableException(Reason.STOPPING, "The node is shutting down.");
    }

    static MembershipException changeUnderWay() {
        return new MembershipException("Another membership change is under way (one at a time, a new server's "
                + "promotion to voter included); try again once it is applied.");
    }

    static MembershipException invalidChange(ConfChange change) {
        return new MembershipException(switch (change.type()) {
            case ADD_LEARNER -> "Node " + change.nodeId() + " is already a member of the cluster.";
            case ADD_VOTER -> "Node " + change.nodeId() + " is not a learner.";
            case REMOVE -> "Node " + change.nodeId() + " is not a member, or is the last voter.";
        });
    }
}
