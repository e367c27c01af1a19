package com.distpatterns.consensus.raft.sim;

import static com.distpatterns.consensus.raft.sim.LabCluster.ELECTION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Snapshots and log compaction: a lagging follower gets the snapshot in chunks, across crashes too. */
class SnapshotScenariosTest {

    /** Snapshot every 10 entries and keep no tail, with 8-byte chunks so each transfer takes several. */
    private static SimulationConfig snapshotting(int servers) {
        return SimulationConfig.lab(servers).withSnapshots(10, 0).withReplication(16, 64 * 1024, 8);
    }

    @Test
    void aLaggingFollowerReceivesTheSnapshotInChunks() {
        LabCluster cluster = new LabCluster(30, snapshotting(3));
        cluster.one("first", 3, true);
        long leader = cluster.checkOneLeader();
        long follower = cluster.others(leader).getFirst();
        cluster.disconnect(follower);
        long last = 0;
        for (int i = 0; i < 60; i++) {
            last = cluster.one("value-" + i, 2, true);
        }
        assertThat(cluster.sim().raft(leader).log().firstIndex()).as("the leader compacted past the follower")
                .isGreaterThan(cluster.sim().applied(follower) + 1);

        cluster.connect(follower);
        cluster.waitCommitted(last, 3, 3_000);

        assertThat(cluster.sim().messagesSent("InstallSnapshot")).as("snapshot chunks sent").isGreaterThan(1);
        assertSameStores(cluster);
    }

    @Test
    void aLaggingFollowerReceivesTheSnapshotOnAnUnreliableNetwork() {
        LabCluster cluster = new LabCluster(31, snapshotting(3));
        cluster.sim().setNetwork(NetworkProfile.UNRELIABLE);
        cluster.one("first", 3, true);
        long follower = cluster.others(cluster.checkOneLeader()).getFirst();
        cluster.disconnect(follower);
        for (int i = 0; i < 60; i++) {
            cluster.one("value-" + i, 2, true);
        }
        cluster.connect(follower);
        long last = cluster.one("last", 3, true);

        assertThat(cluster.sim().applied(follower)).isGreaterThanOrEqualTo(last);
        assertThat(cluster.sim().messagesSent("InstallSnapshot")).isGreaterThan(1);
    }

    @Test
    void theFollowerCrashesInTheMiddleOfASnapshotTransfer() {
        LabCluster cluster = new LabCluster(32,
                SimulationConfig.lab(3).withSnapshots(10, 0).withReplication(16, 64 * 1024, 16));
        cluster.one("first", 3, true);
        long follower = cluster.others(cluster.checkOneLeader()).getFirst();
        cluster.disconnect(follower);
        for (int i = 0; i < 40; i++) {
            cluster.one("a-rather-long-value-so-the-snapshot-needs-many-chunks-" + i, 2, true);
        }
        cluster.connect(follower);
        long chunksBefore = cluster.sim().messagesSent("InstallSnapshot");
        assertThat(
                cluster.sim().runUntil(() -> cluster.sim().messagesSent("InstallSnapshot") > chunksBefore + 3, 2_000))
                .isTrue();
        cluster.crash(follower);
        cluster.runFor(ELECTION_MS);
        cluster.restart(follower);

        long last = cluster.one("last", 3, true);
        assertThat(cluster.sim().applied(follower)).isGreaterThanOrEqualTo(last);
        assertSameStores(cluster);
    }

    @Test
    void serversRestartFromTheirSnapshotsAfterAllCrash() {
        LabCluster cluster = new LabCluster(33, snapshotting(3));
        long last = 0;
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 11; i++) {
                last = cluster.one("r" + round + "-" + i, 3, true);
            }
            cluster.servers().forEach(cluster::crash);
            cluster.servers().forEach(cluster::restart);
            for (long id : cluster.servers()) {
                assertThat(cluster.sim().applied(id)).as("restored from the snapshot").isPositive();
            }
            long next = cluster.one("after-crash-" + round, 3, true);
            assertThat(next).isGreaterThan(last);
        }
        assertSameStores(cluster);
    }

    @Test
    void aSnapshottedServerCrashesAndCatchesUp() {
        LabCluster cluster = new LabCluster(34, snapshotting(3));
        for (int round = 0; round < 4; round++) {
            long victim = cluster.others(cluster.checkOneLeader()).get(round % 2);
            for (int i = 0; i < 11; i++) {
                cluster.one("r" + round + "-" + i, 3, true);
            }
            cluster.crash(victim);
            for (int i = 0; i < 11; i++) {
                cluster.one("s" + round + "-" + i, 2, true);
            }
            cluster.restart(victim);
            cluster.one("t" + round, 3, true);
        }
        assertSameStores(cluster);
    }

    private static void assertSameStores(LabCluster cluster) {
        long target = cluster.servers().stream().mapToLong(cluster.sim()::applied).max().orElseThrow();
        assertThat(cluster.sim()
                .runUntil(() -> cluster.servers().stream().allMatch(id -> cluster.sim().applied(id) == target), 2_000))
                .isTrue();
        byte[] first = cluster.sim().store(cluster.servers().getFirst()).snapshot();
        for (long id : cluster.servers()) {
            assertThat(Arrays.equals(cluster.sim().store(id).snapshot(), first)).as("store of server " + id).isTrue();
        }
    }
}
