package com.distpatterns.consensus.raft.sim;

import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Status;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Changes the membership one server at a time, as an operator would: a new server joins as a learner, is
 * promoted once it has caught up, and a voter is removed and then shut down once its removal commits.
 */
public final class MembershipChanger {

    private final Simulation sim;
    private final SplittableRandom random;
    private final int minVoters;
    private final int maxVoters;
    private long joiner = RaftNode.NONE;
    private long removing = RaftNode.NONE;
    private long removalIndex;
    private long removalTerm;
    private int changesCommitted;

    public MembershipChanger(Simulation sim, int minVoters, int maxVoters) {
        this.sim = sim;
        this.random = sim.random().split();
        this.minVoters = minVoters;
        this.maxVoters = maxVoters;
    }

    public int changesCommitted() {
        return changesCommitted;
    }

    /** Takes the next step of whatever change is under way, or starts one. */
    public void act() {
        finishRemoval();
        OptionalLong leaderId = sim.leader();
        if (leaderId.isEmpty()) {
            return;
        }
        long leader = leaderId.getAsLong();
        RaftNode raft = sim.raft(leader);
        ConfState conf = raft.confState();
        if (joiner != RaftNode.NONE) {
            advanceJoiner(leader, raft, conf);
        } else if (removing == RaftNode.NONE) {
            if (conf.voters().size() < maxVoters && (conf.voters().size() <= minVoters || random.nextBoolean())) {
                joiner = sim.createServer();
                propose(leader, ConfChange.addLearner(joiner));
            } else if (conf.voters().size() > minVoters) {
                List<Long> voters = List.copyOf(conf.voters());
                long victim = voters.get(random.nextInt(voters.size()));
                if (propose(leader, ConfChange.remove(victim)) instanceof ProposalResult.Accepted accepted) {
                    removing = victim;
                    removalIndex = accepted.firstIndex();
                    removalTerm = accepted.term();
                }
            }
        }
    }

    private void advanceJoiner(long leader, RaftNode raft, ConfState conf) {
        if (conf.voters().contains(joiner)) {
            joiner = RaftNode.NONE;
            changesCommitted++;
            return;
        }
        if (!conf.learners().contains(joiner)) {
            propose(leader, ConfChange.addLearner(joiner));
            return;
        }
        Status.Peer peer = raft.status().peers().get(joiner);
        if (peer != null && peer.match() >= raft.log().committed()) {
            propose(leader, ConfChange.addVoter(joiner));
        }
    }

    private void finishRemoval() {
        if (removing == RaftNode.NONE) {
            return;
        }
        long term = sim.committedTerm(removalIndex);
        if (term == removalTerm) {
            sim.retire(removing);
            changesCommitted++;
            removing = RaftNode.NONE;
        } else if (term >= 0) {
            removing = RaftNode.NONE; // another entry took the index: the removal was lost
        }
    }

    private ProposalResult propose(long leader, ConfChange change) {
        return sim.proposeConfChange(leader, change);
    }
}
