package com.distpatterns.consensus.raft.sim;

import static com.distpatterns.consensus.raft.sim.LabCluster.ELECTION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Servers crash, restart and lose their links at random while clients work, on a reliable and an unreliable network. */
class ChurnScenariosTest {

    @Test
    void churnOnAReliableNetwork() {
        runChurn(18, NetworkProfile.RELIABLE);
    }

    @Test
    void churnOnAnUnreliableNetwork() {
        runChurn(19, NetworkProfile.UNRELIABLE);
    }

    /** Clients keep writing and reading while servers crash, restart and lose their links at random. */
    private void runChurn(long seed, NetworkProfile network) {
        LabCluster cluster = new LabCluster(seed, 5);
        Simulation sim = cluster.sim();
        SplittableRandom random = new SplittableRandom(seed);
        sim.setNetwork(network);
        KvWorkload clients = new KvWorkload(sim, 3, 3, 1_000, 20);
        clients.start();
        for (int iteration = 0; iteration < 20; iteration++) {
            long id = 1 + random.nextInt(5);
            int dice = random.nextInt(1000);
            if (dice < 200) {
                cluster.disconnect(id);
            } else if (dice < 500) {
                cluster.connect(id);
            } else if (dice < 700) {
                cluster.crash(id);
            } else {
                cluster.restart(id);
            }
            cluster.runFor(ELECTION_MS * 7 / 10);
        }
        cluster.runFor(ELECTION_MS);
        sim.setNetwork(NetworkProfile.RELIABLE);
        for (long id : cluster.servers()) {
            cluster.restart(id);
            cluster.connect(id);
        }
        clients.stop();
        assertThat(sim.runUntil(() -> clients.inFlight() == 0, 5_000)).isTrue();
        long last = cluster.one("last", 5, true);
        assertThat(clients.completed()).as("client operations that completed").isGreaterThan(20);
        assertThat(cluster.nCommitted(last)).isEqualTo(5);
        Linearizability.assertLinearizable(clients.history());
    }
}
