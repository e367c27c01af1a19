package com.distpatterns.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.distpatterns.consensus.raft.Message.AppendEntries;
import com.distpatterns.consensus.raft.Message.AppendResponse;
import com.distpatterns.consensus.raft.Message.HeartbeatResponse;
import com.distpatterns.consensus.raft.Message.RequestVote;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's rules, one scripted exchange at a time. */
class RaftNodeTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCampaignWinsAndProposalsCommitEverywhere() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);

        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).term()).isEqualTo(2);
        assertThat(cluster.propose(1, "x")).isInstanceOf(ProposalResult.Accepted.class);
        for (long id = 1; id <= 3; id++) {
            assertThat(cluster.appliedCommands(id)).as("node " + id).containsExactly("x");
        }
    }

    @Test
    void aReadyCarriesTheEntriesToPersistWithTheMessagesThatDependOnThem() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        RaftNode leader = cluster.node(1);
        leader.propose(bytes("y"));

        Ready ready = leader.ready();
        assertThat(ready.entries()).extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("y");
        assertThat(ready.mustPersist()).isTrue();
        assertThat(ready.messages()).hasSize(2).allMatch(m -> m instanceof AppendEntries);
        assertThatThrownBy(() -> leader.step(new HeartbeatResponse(2, 1, 2, 0)))
                .as("no input until the Ready is advanced").isInstanceOf(IllegalStateException.class);
        leader.advance(ready);
        assertThat(leader.hasReady()).isFalse();
    }

    @Test
    void proposalsMadeBetweenReadiesTravelInOneAppend() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        for (int i = 0; i < 100; i++) {
            cluster.node(1).propose(bytes("p" + i));
        }
        List<Message> out = cluster.drain(1);
        assertThat(out).hasSize(2);
        assertThat(out).allSatisfy(m -> assertThat(((AppendEntries) m).entries()).hasSize(100));
    }

    @Test
    void appendsArePipelinedUpToTheInFlightLimit() {
        ScriptedCluster cluster = new ScriptedCluster(3,
                id -> RaftConfig.defaults(id).withMaxInflight(2).withMaxBatchBytes(1));
        cluster.campaign(1);
        for (int i = 0; i < 10; i++) {
            cluster.node(1).propose(bytes("p" + i));
        }
        List<Message> toNode2 = cluster.drain(1).stream().filter(m -> m.to() == 2).toList();
        assertThat(toNode2).hasSize(2).allSatisfy(m -> assertThat(((AppendEntries) m).entries()).hasSize(1));
    }

    @Test
    void aLeaderDoesNotCommitAnEarlierTermsEntryByCountingReplicas() {
        // Figure 8: node 1 holds an entry of term 2 that nobody else has; it then leads term 4.
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        cluster.isolate(1);
        RaftNode node = cluster.node(1);
        node.propose(bytes("old"));
        cluster.drain(1);
        node.step(new HeartbeatResponse(2, 1, 3, 0)); // a higher term makes it a follower
        node.campaign();
        cluster.drain(1);
        node.step(new Message.VoteResponse(2, 1, 4, true, true));
        cluster.drain(1);
        node.step(new Message.VoteResponse(2, 1, 4, true, false));
        cluster.drain(1);
        assertThat(node.role()).isEqualTo(Role.LEADER);
        assertThat(node.term()).isEqualTo(4);
        long oldIndex = 3; // 1 is the bootstrap snapshot, 2 the first leader's empty entry
        assertThat(node.log().term(oldIndex)).isEqualTo(2);

        // Both followers acknowledge the old entry but not yet the new term's empty entry after it.
        node.step(AppendResponse.accepted(2, 1, 4, oldIndex));
        node.step(AppendResponse.accepted(3, 1, 4, oldIndex));
        assertThat(node.log().committed()).as("commit after replicas of the term-2 entry").isLessThan(oldIndex);

        node.step(AppendResponse.accepted(2, 1, 4, oldIndex + 1));
        assertThat(node.log().committed()).as("commit once its own entry is replicated").isEqualTo(oldIndex + 1);
    }

    @Test
    void aCandidateWithAShorterLogLoses() {
        ScriptedCluster cluster = new ScriptedCluster(3,
                id -> RaftConfig.defaults(id).withPreVote(false).withCheckQuorum(false));
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.propose(1, "only-on-1-and-2");
        cluster.recover();
        cluster.isolate(1);
        cluster.campaign(3);
        assertThat(cluster.node(3).role()).isNotEqualTo(Role.LEADER);
        cluster.campaign(2);
        assertThat(cluster.node(2).role()).isEqualTo(Role.LEADER);
    }

    @Test
    void aPreCandidateAsksAboutTheNextTermWithoutMovingToIt() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.isolate(2);
        cluster.isolate(3);
        RaftNode node = cluster.node(1);
        node.campaign();
        List<Message> out = cluster.drain(1);

        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(node.term()).isEqualTo(1);
        assertThat(out).hasSize(2).allSatisfy(m -> {
            RequestVote request = (RequestVote) m;
            assertThat(request.preVote()).isTrue();
            assertThat(request.term()).isEqualTo(2);
        });
    }

    @Test
    void aFollowerThatHearsFromItsLeaderIgnoresVoteRequests() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        RaftNode follower = cluster.node(2);
        follower.step(new RequestVote(3, 2, 5, 100, 5, false, false));
        assertThat(follower.term()).as("term after a disruptive request within the lease").isEqualTo(2);
        assertThat(cluster.drain(2)).isEmpty();

        follower.step(new RequestVote(3, 2, 5, 100, 5, false, true));
        assertThat(follower.term()).as("a leadership transfer overrides the lease").isEqualTo(5);
    }

    @Test
    void checkQuorumMakesALeaderWithoutResponsesStepDown() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        cluster.isolate(1);
        RaftNode leader = cluster.node(1);
        for (int i = 0; i < 2 * 10; i++) {
            leader.tick();
            cluster.drain(1);
        }
        assertThat(leader.role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aRejectionCarriesAHintThatSkipsAWholeConflictingTerm() {
        // Without CheckQuorum's lease, followers that heard from node 1 still vote for node 2 at once.
        ScriptedCluster cluster = new ScriptedCluster(3, id -> RaftConfig.defaults(id).withCheckQuorum(false));
        cluster.campaign(1);
        cluster.isolate(1);
        for (int i = 0; i < 30; i++) {
            cluster.node(1).propose(bytes("stale" + i)); // term 2, never replicated
        }
        cluster.drain(1);
        cluster.recover();
        cluster.isolate(1);
        cluster.campaign(2);
        for (int i = 0; i < 5; i++) {
            cluster.propose(2, "fresh" + i);
        }
        cluster.recover();
        cluster.delivered.clear();
        cluster.node(2).tick();
        cluster.node(2).tick();
        cluster.node(2).tick();
        cluster.node(2).tick();
        cluster.settle();

        long rejections = cluster.delivered.stream().filter(m -> m instanceof AppendResponse r && r.rejected()).count();
        assertThat(rejections).as("rejections to skip 30 conflicting entries").isLessThanOrEqualTo(2);
        assertThat(cluster.appliedCommands(1)).endsWith("fresh0", "fresh1", "fresh2", "fresh3", "fresh4");
    }

    @Test
    void aReadIsServedOnlyAfterAQuorumConfirmsTheLeader() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        RaftNode leader = cluster.node(1);
        cluster.dropWhen(m -> true);
        assertThat(leader.readIndex(7)).isTrue();
        List<Message> heartbeats = cluster.drain(1);
        assertThat(heartbeats).isNotEmpty().allMatch(m -> m instanceof Message.Heartbeat);
        assertThat(leader.hasReady()).as("nothing to serve before the quorum answers").isFalse();

        Message.Heartbeat toTwo = (Message.Heartbeat) heartbeats.getFirst();
        leader.step(new HeartbeatResponse(toTwo.to(), 1, leader.term(), toTwo.readRound()));
        Ready ready = leader.ready();
        assertThat(ready.readStates()).containsExactly(new ReadState(leader.log().committed(), 7));
        leader.advance(ready);
    }

    @Test
    void aFollowerReadGoesThroughTheLeader() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        cluster.propose(1, "v");
        assertThat(cluster.node(3).readIndex(42)).isTrue();
        cluster.deliver(cluster.drain(3));
        assertThat(cluster.reads.get(3L)).containsExactly(new ReadState(cluster.node(1).log().committed(), 42));
    }

    @Test
    void leadershipTransferEndsWithTheTargetLeading() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        cluster.propose(1, "v");
        assertThat(cluster.node(1).transferLeadership(3)).isTrue();
        cluster.settle();
        assertThat(cluster.node(3).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aLaggingFollowerGetsTheSnapshotInChunks() {
        ScriptedCluster cluster = new ScriptedCluster(3, id -> RaftConfig.defaults(id).withSnapshotChunkBytes(4));
        cluster.campaign(1);
        cluster.isolate(3);
        for (int i = 0; i < 10; i++) {
            cluster.propose(1, "v" + i);
        }
        RaftNode leader = cluster.node(1);
        MemoryStorage storage = cluster.storages.get(1L);
        long applied = leader.log().applied();
        storage.createSnapshot(applied, leader.confState(), bytes("state-of-the-machine"));
        storage.compact(applied);
        cluster.recover();
        cluster.delivered.clear();
        for (int i = 0; i < 12; i++) {
            leader.tick();
            cluster.settle();
        }
        long chunks = cluster.delivered.stream().filter(m -> m instanceof Message.InstallSnapshot).count();
        assertThat(chunks).as("chunks of a 20-byte snapshot in 4-byte pieces").isGreaterThanOrEqualTo(5);
        assertThat(cluster.storages.get(3L).snapshot().data()).isEqualTo(bytes("state-of-the-machine"));
        assertThat(cluster.node(3).log().committed()).isEqualTo(leader.log().committed());
    }

    @Test
    void aRestartedNodeKeepsItsTermVoteAndCommit() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        cluster.propose(1, "v");
        HardState before = cluster.node(2).hardState();
        RaftNode restarted = new RaftNode(RaftConfig.defaults(2), cluster.storages.get(2L));
        assertThat(restarted.hardState()).isEqualTo(before);
        assertThat(restarted.role()).isEqualTo(Role.FOLLOWER);
        Ready ready = restarted.ready();
        assertThat(ready.committedEntries()).as("committed entries are applied again after a restart").isNotEmpty();
    }

    @Test
    void proposalsAtAFollowerAreRefusedWithTheLeaderAsHint() {
        ScriptedCluster cluster = new ScriptedCluster(3);
        cluster.campaign(1);
        assertThat(cluster.node(2).propose(bytes("x")))
                .isEqualTo(new ProposalResult.Rejected(ProposalResult.Reason.NOT_LEADER, 1));
    }
}
