package com.distpatterns.consensus.raft.sim;

import static com.distpatterns.consensus.raft.sim.LabCluster.ELECTION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.Role;
import org.junit.jupiter.api.Test;

/** PreVote, CheckQuorum and leadership transfer: what each adds, shown against running without it. */
class ExtensionScenariosTest {

    @Test
    void withPreVoteARejoiningServerDoesNotDeposeAHealthyLeader() {
        LabCluster cluster = new LabCluster(60, SimulationConfig.lab(3).withElectionExtensions(true, true));
        long leader = cluster.checkOneLeader();
        long term = cluster.sim().raft(leader).term();
        long follower = cluster.others(leader).getFirst();

        cluster.disconnect(follower);
        cluster.runFor(10 * ELECTION_MS);
        assertThat(cluster.sim().raft(follower).term()).as("term of the cut-off follower").isEqualTo(term);
        cluster.connect(follower);
        cluster.runFor(5 * ELECTION_MS);

        assertThat(cluster.checkOneLeader()).isEqualTo(leader);
        assertThat(cluster.sim().raft(leader).term()).isEqualTo(term);
    }

    @Test
    void withoutPreVoteARejoiningServerForcesANewElection() {
        LabCluster cluster = new LabCluster(60, SimulationConfig.lab(3).withElectionExtensions(false, false));
        long leader = cluster.checkOneLeader();
        long term = cluster.sim().raft(leader).term();
        long follower = cluster.others(leader).getFirst();

        cluster.disconnect(follower);
        cluster.runFor(10 * ELECTION_MS);
        cluster.connect(follower);
        cluster.runFor(5 * ELECTION_MS);

        assertThat(cluster.sim().raft(cluster.checkOneLeader()).term()).isGreaterThan(term);
    }

    @Test
    void withCheckQuorumACutOffLeaderStepsDown() {
        LabCluster cluster = new LabCluster(61, SimulationConfig.lab(3).withElectionExtensions(true, true));
        long leader = cluster.checkOneLeader();
        cluster.disconnect(leader);
        cluster.runFor(3 * ELECTION_MS);
        assertThat(cluster.sim().raft(leader).role()).isNotEqualTo(Role.LEADER);
    }

    @Test
    void withoutCheckQuorumACutOffLeaderStillBelievesItLeads() {
        LabCluster cluster = new LabCluster(61, SimulationConfig.lab(3).withElectionExtensions(true, false));
        long leader = cluster.checkOneLeader();
        cluster.disconnect(leader);
        cluster.runFor(3 * ELECTION_MS);
        assertThat(cluster.sim().raft(leader).role()).isEqualTo(Role.LEADER);
    }

    @Test
    void leadershipTransferHandsOverToACaughtUpFollower() {
        LabCluster cluster = new LabCluster(62, 3);
        cluster.one("before", 3, true);
        long leader = cluster.checkOneLeader();
        long target = cluster.others(leader).getLast();

        assertThat(cluster.sim().transferLeadership(leader, target)).isTrue();
        assertThat(cluster.sim().propose(leader, LabCluster.put("during"), r -> {}, () -> {}))
                .isInstanceOfAny(ProposalResult.Rejected.class);
        cluster.runFor(ELECTION_MS / 2);

        assertThat(cluster.checkOneLeader()).isEqualTo(target);
        cluster.one("after", 3, true);
    }
}
