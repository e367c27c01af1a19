package com.distpatterns.consensus.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Membership changes one server at a time, while clients keep working. */
class MembershipScenariosTest {

    @Test
    void addAndRemoveServersUnderLoad() {
        LabCluster cluster = new LabCluster(50, SimulationConfig.lab(3).withSnapshots(20, 2));
        Simulation sim = cluster.sim();
        KvWorkload clients = new KvWorkload(sim, 3, 3, 1_000, 10);
        clients.start();
        cluster.runFor(500);

        long fourth = addServer(cluster);
        long fifth = addServer(cluster);
        removeServer(cluster, 1);
        removeServer(cluster, cluster.checkOneLeader()); // the leader removes itself and steps down
        cluster.runFor(1_000);

        clients.stop();
        assertThat(sim.runUntil(() -> clients.inFlight() == 0, 5_000)).isTrue();
        long leader = cluster.checkOneLeader();
        ConfState conf = sim.raft(leader).confState();
        assertThat(conf.voters()).hasSize(3).contains(fourth, fifth).doesNotContain(1L);
        assertThat(conf.learners()).isEmpty();
        long last = cluster.one("after-changes", 3, true);
        for (long id : conf.voters()) {
            assertThat(sim.applied(id)).as("applied by member " + id).isGreaterThanOrEqualTo(last);
        }
        assertThat(clients.completed()).isGreaterThan(50);
        Linearizability.assertLinearizable(clients.history());
    }

    @Test
    void aServerMustJoinAsALearnerAndChangesGoOneAtATime() {
        LabCluster cluster = new LabCluster(51, 3);
        Simulation sim = cluster.sim();
        long leader = cluster.checkOneLeader();
        cluster.one("settle", 3, true);
        long joiner = sim.createServer();

        assertThat(sim.proposeConfChange(leader, ConfChange.addVoter(joiner)))
                .isEqualTo(new ProposalResult.Rejected(ProposalResult.Reason.INVALID_CONF_CHANGE, leader));
        assertThat(sim.proposeConfChange(leader, ConfChange.addLearner(joiner)))
                .isInstanceOf(ProposalResult.Accepted.class);
        assertThat(sim.proposeConfChange(leader, ConfChange.remove(2)))
                .isEqualTo(new ProposalResult.Rejected(ProposalResult.Reason.CONF_CHANGE_PENDING, leader));

        assertThat(sim.runUntil(() -> sim.raft(joiner).confState().learners().contains(joiner), 2_000))
                .as("the learner learns the membership from the leader's snapshot and log").isTrue();
        assertThat(sim.raft(joiner).confState().voters()).containsExactly(1L, 2L, 3L);
        cluster.runFor(2 * LabCluster.ELECTION_MS);
        assertThat(sim.raft(joiner).role()).as("a learner never campaigns").isNotEqualTo(Role.CANDIDATE);
    }

    private static long addServer(LabCluster cluster) {
        Simulation sim = cluster.sim();
        long id = sim.createServer();
        assertThat(sim.runUntil(() -> propose(cluster, ConfChange.addLearner(id)), 5_000)).isTrue();
        assertThat(sim.runUntil(() -> {
            long leader = cluster.checkOneLeader();
            RaftNode raft = sim.raft(leader);
            if (raft.confState().voters().contains(id)) {
                return true;
            }
            var peer = raft.status().peers().get(id);
            if (peer != null && raft.confState().learners().contains(id) && peer.match() >= raft.log().committed()) {
                propose(cluster, ConfChange.addVoter(id));
            }
            return false;
        }, 10_000)).as("server " + id + " promoted to voter").isTrue();
        return id;
    }

    private static void removeServer(LabCluster cluster, long id) {
        Simulation sim = cluster.sim();
        assertThat(sim.runUntil(() -> propose(cluster, ConfChange.remove(id)), 5_000)).isTrue();
        assertThat(sim.runUntil(() -> {
            List<Long> members = cluster.servers().stream().filter(s -> s != id && sim.isUp(s)).toList();
            return members.stream().anyMatch(s -> sim.raft(s).role() == Role.LEADER
                    && !sim.raft(s).confState().isMember(id));
        }, 10_000)).as("server " + id + " removed").isTrue();
        sim.retire(id);
    }

    private static boolean propose(LabCluster cluster, ConfChange change) {
        long leader = cluster.checkOneLeader();
        return cluster.sim().proposeConfChange(leader, change) instanceof ProposalResult.Accepted;
    }
}
