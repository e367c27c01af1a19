package com.distpatterns.consensus.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.ProposalResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the shipped Ready order risks: a leader sends its appends before its own fsync. That is safe only because
 * the engine counts the leader's own copy toward a commit once it is durable (after the fsync), not when it is
 * appended in memory.
 */
class DurabilityScenariosTest {

    /**
     * One voter and a learner. The voter's power fails during the fsync of a write whose append already left for the
     * learner. Had the voter counted its unsynced copy, it would have committed the write alone and told the learner
     * so in that early append; the learner would apply (and, in the service, acknowledge) a write the voter then
     * loses and replaces when it comes back.
     */
    @Test
    void aLeaderThatLosesPowerBeforeItsFsyncHadCommittedNothing() {
        Simulation sim = new Simulation(61, SimulationConfig.lab(1));
        assertThat(sim.runUntil(() -> sim.leader().isPresent(), 2_000)).isTrue();
        long learner = sim.createServer();
        assertThat(sim.proposeConfChange(1, ConfChange.addLearner(learner)))
                .isInstanceOf(ProposalResult.Accepted.class);
        assertThat(sim.runUntil(() -> caughtUp(sim, learner), 2_000)).as("the learner caught up").isTrue();

        List<String> acknowledged = new ArrayList<>();
        sim.losePowerOnNextWrite(1);
        ProposalResult lost = sim.propose(1, LabCluster.put("lost"), result -> acknowledged.add("lost"), () -> {});
        assertThat(lost).isInstanceOf(ProposalResult.Accepted.class);
        long index = ((ProposalResult.Accepted) lost).firstIndex();
        sim.runFor(100);
        assertThat(sim.isUp(1)).as("the power failed during the leader's fsync").isFalse();
        assertThat(sim.raft(learner).log().lastIndex()).as("the early append reached the learner").isEqualTo(index);

        sim.restart(1);
        assertThat(sim.runUntil(() -> sim.leader().isPresent(), 2_000)).isTrue();
        sim.propose(1, LabCluster.put("after"), result -> acknowledged.add("after"), () -> {});
        assertThat(sim.runUntil(() -> acknowledged.contains("after") && caughtUp(sim, learner), 2_000)).isTrue();

        assertThat(acknowledged).containsExactly("after");
        assertThat(sim.committedData(index)).as("what is committed at the lost write's index")
                .satisfies(data -> assertThat(new String(data, StandardCharsets.UTF_8)).doesNotContain("lost"));
        assertThat(sim.store(learner).get("k")).hasValueSatisfying(
                v -> assertThat(new String(v.value(), StandardCharsets.UTF_8)).isEqualTo("after"));
    }

    private static boolean caughtUp(Simulation sim, long learner) {
        long commit = sim.raft(1).log().committed();
        return sim.isUp(1) && sim.applied(1) == commit && sim.applied(learner) == commit
                && sim.raft(learner).confState().learners().contains(learner);
    }
}
