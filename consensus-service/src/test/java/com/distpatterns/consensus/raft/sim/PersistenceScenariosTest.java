package com.distpatterns.consensus.raft.sim;

import static com.distpatterns.consensus.raft.sim.LabCluster.ELECTION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Persistence across crashes of one server, a majority, and all servers. */
class PersistenceScenariosTest {

    @Test
    void survivesCrashesOfOneAndOfAllServers() {
        LabCluster cluster = new LabCluster(13, 3);
        cluster.one("11", 3, true);
        cluster.servers().forEach(cluster::crash);
        cluster.servers().forEach(cluster::restart);
        cluster.one("12", 3, true);

        long leader1 = cluster.checkOneLeader();
        cluster.crash(leader1);
        cluster.restart(leader1);
        cluster.one("13", 3, true);

        long leader2 = cluster.checkOneLeader();
        cluster.crash(leader2);
        long index = cluster.one("14", 2, true);
        cluster.restart(leader2);
        assertThat(cluster.waitCommitted(index, 3, 2_000)).isEqualTo("14");

        long follower = cluster.others(cluster.checkOneLeader()).getFirst();
        cluster.crash(follower);
        cluster.one("15", 2, true);
        cluster.restart(follower);
        cluster.one("16", 3, true);
    }

    @Test
    void survivesCrashesOfAMajority() {
        LabCluster cluster = new LabCluster(14, 5);
        int value = 10;
        for (int iteration = 0; iteration < 5; iteration++) {
            cluster.one(String.valueOf(value++), 5, true);
            long leader = cluster.checkOneLeader();
            List<Long> others = cluster.others(leader);
            cluster.crash(others.get(0));
            cluster.crash(others.get(1));
            cluster.one(String.valueOf(value++), 3, true);

            cluster.crash(leader);
            cluster.crash(others.get(2));
            cluster.crash(others.get(3));
            cluster.restart(others.get(0));
            cluster.restart(others.get(1));
            cluster.runFor(ELECTION_MS);
            cluster.restart(others.get(2));
            cluster.one(String.valueOf(value++), 3, true);
            cluster.restart(others.get(3));
            cluster.restart(leader);
        }
        cluster.one("1000", 5, true);
    }

    @Test
    void survivesAPartitionedLeaderCrashingWithItsFollower() {
        LabCluster cluster = new LabCluster(15, 3);
        cluster.one("101", 3, true);
        long leader = cluster.checkOneLeader();
        List<Long> others = cluster.others(leader);
        cluster.disconnect(others.get(1));
        cluster.one("102", 2, true);
        cluster.crash(leader);
        cluster.crash(others.get(0));
        cluster.connect(others.get(1));
        cluster.restart(leader);
        cluster.one("103", 2, true);
        cluster.restart(others.get(0));
        cluster.one("104", 3, true);
    }
}
