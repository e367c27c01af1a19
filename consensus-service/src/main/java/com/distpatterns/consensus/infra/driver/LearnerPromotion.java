package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader promotes a learner to voter once its log has caught up with the commit index: a server added at run
 * time votes only when it can no longer slow a commit down. One at a time, as the engine takes membership changes.
 * Confined to the driver thread.
 */
final class LearnerPromotion {

    private static final Logger log = LoggerFactory.getLogger(LearnerPromotion.class);

    private final RaftNode node;

    LearnerPromotion(RaftNode node) {
        this.node = node;
    }

    /** On the leader, each tick. */
    void promoteCaughtUp() {
        Status status = node.status();
        for (long learner : status.confState().learners()) {
            Status.Peer peer = status.peers().get(learner);
            if (peer != null && peer.match() >= status.commit()
                    && node.proposeConfChange(ConfChange.addVoter(learner)) instanceof ProposalResult.Accepted) {
                log.info("Node {} caught up (match {}): proposed its promotion to voter", learner, peer.match());
                return;
            }
        }
    }
}
