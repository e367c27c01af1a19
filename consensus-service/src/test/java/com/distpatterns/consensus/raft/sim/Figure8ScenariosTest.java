package com.distpatterns.consensus.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.raft.Message;
import com.distpatterns.consensus.raft.RaftConfig;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Role;
import com.distpatterns.consensus.raft.ScriptedCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The paper's Figure 8 (section 5.4.2), message by message on five servers S1..S5, and the lab's randomized
 * version of it: leaders crash right after proposing, on a reliable and an unreliable network.
 *
 * <p>Indices are one later than in the paper: index 1 is the bootstrap snapshot and every new leader first
 * appends an empty entry of its term. Index 2 is S1's empty entry of term 2, committed everywhere; index 3 is
 * the contested one (the paper's index 2). Elections are the basic algorithm's (no pre-vote, no leader lease),
 * so terms advance exactly as in the figure, and every append carries one entry, so an older entry can reach a
 * follower apart from the new leader's own.
 */
class Figure8ScenariosTest {

    private static final long CONTESTED = 3;

    @Test
    void figure8d_anOlderTermsEntryOnAMajorityIsNotCommittedAndIsOverwritten() {
        ScriptedCluster cluster = figure8c();

        // (d) S1 crashes; S5, whose log ends in term 3, wins term 5 with the votes of S2, S3 and S4 (their logs
        // end in term 2) and replaces the term-2 entry everywhere with its own term-3 entries.
        cluster.crash(1);
        cluster.recover();
        cluster.restart(5);
        cluster.campaign(5); // term 4: S2, S3 and S4 already voted in it, for S1
        cluster.campaign(5);
        assertThat(cluster.node(5).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(5).term()).isEqualTo(5);
        cluster.restart(1);
        heartbeats(cluster, 5);

        for (long id = 1; id <= 5; id++) {
            assertThat(terms(cluster.node(id))).as("log of S" + id).containsExactly(1L, 2L, 3L, 3L, 5L);
            assertThat(cluster.node(id).log().committed()).as("commit index of S" + id).isEqualTo(5);
            assertThat(cluster.appliedCommands(id)).as("commands S" + id + " applied").containsExactly("from-term-3");
        }
    }

    @Test
    void figure8e_anEntryOfTheLeadersOwnTermOnAMajorityCommitsTheOlderOneBeforeIt() {
        ScriptedCluster cluster = figure8c();

        // (e) S1 gets its term-4 entry to S2 and S3 before crashing: that entry, and the term-2 entry before
        // it, are committed, and S5 can no longer win an election.
        cluster.crash(4);
        cluster.dropWhen(m -> false);
        heartbeats(cluster, 1);
        assertThat(cluster.node(1).log().committed()).as("S1's commit index").isEqualTo(CONTESTED + 1);
        assertThat(cluster.appliedCommands(1)).containsExactly("old");

        cluster.crash(1);
        cluster.restart(4);
        cluster.restart(5);
        cluster.campaign(5); // term 4, already voted in
        cluster.campaign(5); // term 5: only S4 votes for it, S2 and S3 hold a later term
        assertThat(cluster.node(5).role()).as("S5 after its election in term 5").isNotEqualTo(Role.LEADER);
        cluster.campaign(2);
        assertThat(cluster.node(2).role()).isEqualTo(Role.LEADER);
        cluster.restart(1);
        heartbeats(cluster, 2);

        long last = cluster.node(2).log().lastIndex();
        for (long id = 1; id <= 5; id++) {
            assertThat(cluster.node(id).log().term(CONTESTED)).as("term at index 3 on S" + id).isEqualTo(2);
            assertThat(terms(cluster.node(id))).as("log of S" + id).isEqualTo(terms(cluster.node(2)));
            assertThat(cluster.node(id).log().committed()).as("commit index of S" + id).isEqualTo(last);
            assertThat(cluster.appliedCommands(id)).as("commands S" + id + " applied").containsExactly("old");
        }
    }

    /**
     * Figure 8 (a) to (c), ending with S1 leading term 4 while the term-2 entry at index 3 is on S1 to S4
     * (S1 knows of S3 and S4) and S1's own term-4 entry is on S1 only. Counting replicas would commit index 3
     * now; the rule that a leader counts only entries of its own term must keep it uncommitted.
     */
    private static ScriptedCluster figure8c() {
        ScriptedCluster cluster = new ScriptedCluster(5,
                id -> RaftConfig.defaults(id).withPreVote(false).withCheckQuorum(false).withMaxBatchBytes(1));
        cluster.campaign(1);
        assertThat(cluster.node(1).term()).isEqualTo(2);

        // (a) S1 leads term 2 and gets its entry at index 3 to S2 only.
        cluster.isolate(3);
        cluster.isolate(4);
        cluster.isolate(5);
        cluster.propose(1, "old");
        assertThat(terms(cluster.node(1))).containsExactly(1L, 2L, 2L);
        assertThat(terms(cluster.node(2))).containsExactly(1L, 2L, 2L);
        assertThat(cluster.node(1).log().committed()).isEqualTo(2);

        // (b) S1 crashes; S5 wins term 3 with the votes of S3 and S4 and takes an entry at index 3 and one
        // after it, which reach nobody.
        cluster.crash(1);
        cluster.recover();
        cluster.dropWhen(m -> m.from() == 5 && m instanceof Message.AppendEntries);
        cluster.campaign(5);
        assertThat(cluster.node(5).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(5).term()).isEqualTo(3);
        cluster.propose(5, "from-term-3");
        assertThat(terms(cluster.node(5))).containsExactly(1L, 2L, 3L, 3L);

        // (c) S5 crashes; S1 restarts and wins term 4 (term 3 is taken: S3 and S4 voted for S5). It brings
        // S3 and S4 up to its term-2 entry, but crashes, as it were, before its own term-4 entry reaches
        // anyone: every append that would give a follower that entry is lost.
        cluster.crash(5);
        cluster.recover();
        cluster.restart(1);
        cluster.dropWhen(m -> m instanceof Message.AppendEntries a && a.term() == 4
                && a.entries().stream().anyMatch(e -> e.term() == 4) && accepts(cluster.node(a.to()), a));
        cluster.campaign(1);
        cluster.campaign(1);
        RaftNode s1 = cluster.node(1);
        assertThat(s1.role()).isEqualTo(Role.LEADER);
        assertThat(s1.term()).isEqualTo(4);
        assertThat(terms(s1)).containsExactly(1L, 2L, 2L, 4L);
        for (long id = 2; id <= 4; id++) {
            assertThat(terms(cluster.node(id))).as("log of S" + id).containsExactly(1L, 2L, 2L);
        }
        assertThat(s1.log().committed())
                .as("S1 (term 4) may not commit index 3 (term 2) by counting the replicas on S1, S3 and S4")
                .isEqualTo(2);
        return cluster;
    }

    /** Whether a follower would take the append: its log matches the leader's at the previous entry. */
    private static boolean accepts(RaftNode follower, Message.AppendEntries a) {
        return follower.log().lastIndex() >= a.prevLogIndex()
                && follower.log().term(a.prevLogIndex()) == a.prevLogTerm();
    }

    /** Ten heartbeat rounds of the leader: enough for every running follower to catch up (the callers check). */
    private static void heartbeats(ScriptedCluster cluster, long leader) {
        for (int i = 0; i < 10; i++) {
            cluster.tick(leader, 1);
            cluster.settle();
        }
    }

    /** The term of every entry from the bootstrap snapshot's index on. */
    private static List<Long> terms(RaftNode node) {
        return LongStream.rangeClosed(1, node.log().lastIndex()).mapToObj(i -> node.log().term(i)).toList();
    }

    @Test
    void labFigure8OnAReliableNetwork() {
        runLabFigure8(16, false);
    }

    @Test
    void labFigure8OnAnUnreliableNetwork() {
        runLabFigure8(17, true);
    }

    /**
     * The lab's randomized Figure 8: leaders crash (or are cut off) right after proposing, so logs fill with
     * entries of many terms that only some servers hold. It checks agreement under churn; the scenarios above
     * are the ones that pin the commit rule down.
     */
    private void runLabFigure8(long seed, boolean unreliable) {
        // One entry per append: a new leader's first entry then travels apart from the older ones it follows.
        LabCluster cluster = new LabCluster(seed, SimulationConfig.lab(5).withReplication(4, 1, 1024));
        SplittableRandom random = new SplittableRandom(seed);
        if (unreliable) {
            cluster.sim().setNetwork(NetworkProfile.UNRELIABLE);
        }
        cluster.one("first", 1, true);
        List<Long> down = new ArrayList<>();
        for (int iteration = 0; iteration < 400; iteration++) {
            long leader = -1;
            for (long id : cluster.servers()) {
                if (!down.contains(id) && cluster.start(id, "f" + iteration + "-" + id) >= 0) {
                    leader = id;
                }
            }
            cluster.runFor(random.nextInt(100) < 10 ? random.nextInt(500) : random.nextInt(13));
            if (leader != -1 && (!unreliable || random.nextBoolean())) {
                if (unreliable) {
                    cluster.disconnect(leader);
                } else {
                    cluster.crash(leader);
                }
                down.add(leader);
            }
            if (down.size() > 2) {
                long back = down.remove(random.nextInt(down.size()));
                if (unreliable) {
                    cluster.connect(back);
                } else {
                    cluster.restart(back);
                }
            }
        }
        for (long id : cluster.servers()) {
            cluster.restart(id);
            cluster.connect(id);
        }
        cluster.sim().setNetwork(NetworkProfile.RELIABLE);
        cluster.one("last", 5, true);
    }
}
