package com.distpatterns.consensus.raft.sim;

import static com.distpatterns.consensus.raft.sim.LabCluster.ELECTION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Log agreement: with failed followers, without a majority, concurrently, after a partition, and its cost in messages. */
class AgreementScenariosTest {

    @Test
    void basicAgreementFillsConsecutiveIndices() {
        LabCluster cluster = new LabCluster(4, 3);
        cluster.checkOneLeader();
        long previous = 0;
        for (int i = 1; i <= 3; i++) {
            long index = cluster.one("v" + i, 3, false);
            if (previous > 0) {
                assertThat(index).isEqualTo(previous + 1);
            }
            previous = index;
        }
    }

    @Test
    void agreementDespiteAFailedFollower() {
        LabCluster cluster = new LabCluster(5, 3);
        cluster.one("101", 3, false);
        long leader = cluster.checkOneLeader();
        long follower = cluster.others(leader).getFirst();
        cluster.disconnect(follower);

        cluster.one("102", 2, false);
        cluster.one("103", 2, false);
        cluster.runFor(ELECTION_MS);
        cluster.one("104", 2, false);

        cluster.connect(follower);
        cluster.one("105", 3, true);
        cluster.one("106", 3, true);
    }

    @Test
    void noAgreementWithoutAMajority() {
        LabCluster cluster = new LabCluster(6, 5);
        cluster.one("10", 5, false);
        long leader = cluster.checkOneLeader();
        List<Long> followers = cluster.others(leader);
        followers.subList(0, 3).forEach(cluster::disconnect);

        long index = cluster.start(leader, "20");
        assertThat(index).isPositive();
        cluster.runFor(2 * ELECTION_MS);
        assertThat(cluster.nCommitted(index)).as("servers that applied it without a majority").isZero();

        followers.forEach(cluster::connect);
        long leader2 = cluster.checkOneLeader();
        long index2 = cluster.start(leader2, "30");
        assertThat(index2).isGreaterThanOrEqualTo(index);
        cluster.one("1000", 5, true);
    }

    @Test
    void noCommitWhenTheLeaderLosesItsLastFollower() {
        LabCluster cluster = new LabCluster(7, 3);
        cluster.one("101", 3, false);
        long leader = cluster.checkOneLeader();
        cluster.disconnect(cluster.others(leader).getFirst());
        cluster.one("102", 2, false);
        long leader2 = cluster.checkOneLeader();
        cluster.others(leader2).forEach(cluster::disconnect);

        long index = cluster.start(leader2, "104");
        cluster.runFor(2 * ELECTION_MS);

        assertThat(index).isPositive();
        assertThat(cluster.nCommitted(index)).isZero();
    }

    @Test
    void concurrentProposalsAllCommitInOneTerm() {
        LabCluster cluster = new LabCluster(8, 3);
        long leader = cluster.checkOneLeader();
        long term = cluster.sim().raft(leader).term();
        List<Long> indices = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            indices.add(cluster.start(leader, "c" + i));
        }
        for (int i = 0; i < 5; i++) {
            assertThat(cluster.waitCommitted(indices.get(i), 3, 2_000)).isEqualTo("c" + i);
        }
        assertThat(cluster.sim().raft(leader).term()).isEqualTo(term);
    }

    @Test
    void aPartitionedOldLeaderRejoinsAndItsUncommittedEntriesAreReplaced() {
        LabCluster cluster = new LabCluster(9, 3);
        cluster.one("101", 3, true);
        long leader1 = cluster.checkOneLeader();
        cluster.disconnect(leader1);
        long stale = cluster.start(leader1, "102");
        cluster.start(leader1, "103");
        cluster.start(leader1, "104");

        cluster.one("103", 2, true);
        long leader2 = cluster.checkOneLeader();
        cluster.disconnect(leader2);
        cluster.connect(leader1);
        cluster.one("104", 2, true);
        cluster.connect(leader2);
        cluster.one("105", 3, true);

        assertThat(cluster.committedValue(stale)).isNotEqualTo("102");
    }

    @Test
    void fastBackupSkipsManyConflictingEntriesPerRoundTrip() {
        LabCluster cluster = new LabCluster(10, 5);
        SplittableRandom random = new SplittableRandom(10);
        cluster.one("start", 5, true);
        long leader1 = cluster.checkOneLeader();
        List<Long> rest = cluster.others(leader1);
        long partner = rest.getFirst();
        List<Long> majority = rest.subList(1, 4);
        majority.forEach(cluster::disconnect);
        for (int i = 0; i < 50; i++) {
            cluster.start(leader1, "lost-a" + i);
        }
        cluster.runFor(ELECTION_MS / 2);
        cluster.disconnect(leader1);
        cluster.disconnect(partner);
        majority.forEach(cluster::connect);
        for (int i = 0; i < 50; i++) {
            cluster.one("b" + i, 3, true);
        }
        long leader2 = cluster.checkOneLeader();
        long other = majority.stream().filter(id -> id != leader2).findFirst().orElseThrow();
        cluster.disconnect(other);
        for (int i = 0; i < 50; i++) {
            cluster.start(leader2, "lost-c" + i);
        }
        cluster.runFor(ELECTION_MS / 2);
        cluster.servers().forEach(cluster::disconnect);
        cluster.connect(leader1);
        cluster.connect(partner);
        cluster.connect(other);
        long rejectedBefore = cluster.sim().rejectedAppends();
        for (int i = 0; i < 50; i++) {
            cluster.one("d" + random.nextInt(), 3, true);
        }
        cluster.servers().forEach(cluster::connect);
        cluster.one("end", 5, true);

        // Without hints a follower 50 entries astray needs about 50 rejections; with them, one per term.
        assertThat(cluster.sim().rejectedAppends() - rejectedBefore).as("rejected appends while catching up")
                .isLessThan(20);
    }

    @Test
    void messageCountsPerAgreementStaySmall() {
        LabCluster cluster = new LabCluster(11, 3);
        long leader = cluster.checkOneLeader();
        long electionMessages = cluster.sim().messagesSent("RequestVote") + cluster.sim().messagesSent("VoteResponse");
        assertThat(electionMessages).as("messages to elect the first leader").isLessThanOrEqualTo(30);

        long before = cluster.sim().messagesSent();
        int iterations = 10;
        List<Long> indices = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            indices.add(cluster.start(leader, "x" + i));
        }
        for (long index : indices) {
            cluster.waitCommitted(index, 3, 2_000);
        }
        long agreementMessages = cluster.sim().messagesSent() - before;
        // The lab allows (iterations + 1 + 3) x 3 round trips, each two messages here.
        assertThat(agreementMessages).as("messages for " + iterations + " agreements")
                .isLessThanOrEqualTo((iterations + 4) * 3 * 2);

        long idleBefore = cluster.sim().messagesSent();
        cluster.runFor(1_000);
        assertThat(cluster.sim().messagesSent() - idleBefore).as("messages in an idle second")
                .isLessThanOrEqualTo(3 * 20 * 2);
    }

    @Test
    void agreementOnAnUnreliableNetwork() {
        LabCluster cluster = new LabCluster(12, 5);
        cluster.sim().setNetwork(NetworkProfile.UNRELIABLE);
        for (int iteration = 0; iteration < 50; iteration++) {
            for (int j = 0; j < 4; j++) {
                cluster.one("u" + iteration + "-" + j, 1, true);
            }
        }
        cluster.sim().setNetwork(NetworkProfile.RELIABLE);
        cluster.one("100", 5, true);
    }
}
