package com.distpatterns.consensus.raft.sim;

import static com.distpatterns.consensus.raft.sim.LabCluster.ELECTION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Leader election: the first one, after a leader is cut off, and with servers coming and going. */
class ElectionScenariosTest {

    @Test
    void initialElectionPicksOneLeaderThatKeepsItsTermWithoutFailures() {
        LabCluster cluster = new LabCluster(1, 3);
        long leader = cluster.checkOneLeader();
        long term = cluster.sim().raft(leader).term();

        cluster.runFor(2 * ELECTION_MS);

        assertThat(cluster.checkOneLeader()).isEqualTo(leader);
        assertThat(cluster.sim().raft(leader).term()).as("term without failures").isEqualTo(term);
    }

    @Test
    void reElectionAfterTheLeaderIsCutOff() {
        LabCluster cluster = new LabCluster(2, 3);
        long leader1 = cluster.checkOneLeader();

        cluster.disconnect(leader1);
        long leader2 = cluster.checkOneLeader();
        assertThat(leader2).isNotEqualTo(leader1);

        cluster.connect(leader1);
        assertThat(cluster.checkOneLeader()).as("the old leader rejoins without deposing the new one")
                .isEqualTo(leader2);

        long other = cluster.others(leader2).getFirst();
        cluster.disconnect(leader2);
        cluster.disconnect(other);
        cluster.runFor(2 * ELECTION_MS);
        cluster.checkNoLeader();

        cluster.connect(other);
        cluster.checkOneLeader();
        cluster.connect(leader2);
        cluster.checkOneLeader();
    }

    @Test
    void manyElectionsWithServersComingAndGoing() {
        LabCluster cluster = new LabCluster(3, 7);
        SplittableRandom random = new SplittableRandom(3);
        cluster.checkOneLeader();
        for (int iteration = 0; iteration < 10; iteration++) {
            List<Long> cut = new ArrayList<>();
            while (cut.size() < 3) {
                long id = 1 + random.nextInt(7);
                if (!cut.contains(id)) {
                    cut.add(id);
                }
            }
            cut.forEach(cluster::disconnect);
            cluster.checkOneLeader();
            cut.forEach(cluster::connect);
        }
        cluster.checkOneLeader();
    }
}
