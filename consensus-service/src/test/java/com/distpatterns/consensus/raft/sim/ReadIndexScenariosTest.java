package com.distpatterns.consensus.raft.sim;

import static com.distpatterns.consensus.raft.sim.LabCluster.ELECTION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.consensus.linearizability.KvOutput;
import com.distpatterns.consensus.raft.Role;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Linearizable reads without the log: never stale, even from a leader that was just deposed. */
class ReadIndexScenariosTest {

    @Test
    void aDeposedLeaderNeverServesStaleData() {
        LabCluster cluster = new LabCluster(40, SimulationConfig.lab(5).withElectionExtensions(true, false));
        Simulation sim = cluster.sim();
        cluster.one("old", 5, true);
        long oldLeader = cluster.checkOneLeader();
        List<Long> others = cluster.others(oldLeader);
        sim.partition(List.of(oldLeader, others.get(0)), others.subList(1, 4));
        long newLeader = others.subList(1, 4).stream()
                .filter(id -> sim.runUntil(() -> sim.raft(id).role() == Role.LEADER, 2_000))
                .findFirst().orElseThrow();
        cluster.one("new", 3, true);

        // Without CheckQuorum the old leader still believes it leads: its read must wait, never answer "old".
        List<String> fromOldLeader = new ArrayList<>();
        assertThat(sim.read(oldLeader, "k", value -> fromOldLeader.add(text(value)))).isTrue();
        List<String> fromNewLeader = new ArrayList<>();
        sim.read(newLeader, "k", value -> fromNewLeader.add(text(value)));
        cluster.runFor(3 * ELECTION_MS);

        assertThat(fromOldLeader).as("reads served by the cut-off leader").isEmpty();
        assertThat(fromNewLeader).containsExactly("new");

        sim.heal();
        cluster.runFor(ELECTION_MS);
        List<String> afterHealing = new ArrayList<>();
        assertThat(sim.runUntil(() -> {
            if (afterHealing.isEmpty() && sim.read(oldLeader, "k", value -> afterHealing.add(text(value)))) {
                sim.runFor(200);
            }
            return !afterHealing.isEmpty();
        }, 3_000)).isTrue();
        assertThat(afterHealing).as("read through the old leader, now a follower").containsExactly("new");
    }

    @Test
    void readsStayLinearizableWhileLeadersChange() {
        LabCluster cluster = new LabCluster(41, 5);
        Simulation sim = cluster.sim();
        KvWorkload clients = new KvWorkload(sim, 4, 2, 1_000, 10);
        clients.start();
        for (int change = 0; change < 8; change++) {
            cluster.runFor(300);
            long leader = cluster.checkOneLeader();
            if (change % 2 == 0) {
                cluster.disconnect(leader);
                cluster.runFor(2 * ELECTION_MS);
                cluster.connect(leader);
            } else {
                long target = cluster.others(leader).get(change % 4);
                sim.transferLeadership(leader, target);
            }
        }
        clients.stop();
        assertThat(sim.runUntil(() -> clients.inFlight() == 0, 5_000)).isTrue();
        long reads = clients.history().stream().filter(op -> op.output() instanceof KvOutput.Read).count();
        assertThat(reads).as("reads that completed").isGreaterThan(20);
        Linearizability.assertLinearizable(clients.history());
    }

    private static String text(Optional<Versioned> value) {
        return value.map(v -> new String(v.value(), StandardCharsets.UTF_8)).orElse(null);
    }
}
