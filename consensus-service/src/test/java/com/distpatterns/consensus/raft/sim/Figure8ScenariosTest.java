package com.distpatterns.consensus.raft.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The paper's Figure 8: leaders crash right after proposing, on a reliable and an unreliable network. */
class Figure8ScenariosTest {

    @Test
    void figure8OnAReliableNetwork() {
        runFigure8(16, false);
    }

    @Test
    void figure8OnAnUnreliableNetwork() {
        runFigure8(17, true);
    }

    /**
     * Leaders crash (or are cut off) right after proposing, so logs fill with entries of many terms that
     * only some servers hold: the case where counting replicas of an older term's entry would be unsafe.
     */
    private void runFigure8(long seed, boolean unreliable) {
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
