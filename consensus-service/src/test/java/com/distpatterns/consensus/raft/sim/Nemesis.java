package com.distpatterns.consensus.raft.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/** Injects faults at random moments: partitions, crashes and restarts, a worse network, leadership transfers. */
public final class Nemesis {

    private final Simulation sim;
    private final SplittableRandom random;
    private final int meanGapMs;
    private final MembershipChanger membership;
    private boolean running;

    public Nemesis(Simulation sim, int meanGapMs, MembershipChanger membership) {
        this.sim = sim;
        this.random = sim.random().split();
        this.meanGapMs = meanGapMs;
        this.membership = membership;
    }

    public void start() {
        running = true;
        scheduleNext();
    }

    /** Stops injecting and undoes every fault: heals the network, restarts every server that may run. */
    public void healAll() {
        running = false;
        sim.stopPowerLoss();
        sim.heal();
        sim.setNetwork(NetworkProfile.RELIABLE);
        for (long id : List.copyOf(sim.serverIds())) {
            if (!sim.isRetired(id)) {
                sim.restart(id);
            }
        }
    }

    private void scheduleNext() {
        sim.schedule(1 + random.nextInt(2 * meanGapMs), "nemesis", () -> {
            if (running) {
                strike();
                scheduleNext();
            }
        });
    }

    private void strike() {
        List<Long> live = sim.serverIds().stream().filter(id -> !sim.isRetired(id)).toList();
        int dice = random.nextInt(100);
        if (dice < 20) {
            randomPartition(live);
        } else if (dice < 30) {
            sim.leader().ifPresent(sim::isolate);
        } else if (dice < 45) {
            sim.heal();
        } else if (dice < 57) {
            List<Long> up = live.stream().filter(sim::isUp).toList();
            OptionalLong leader = sim.leader();
            if (leader.isPresent() && random.nextBoolean()) {
                crashLeaderBriefly(leader.getAsLong());
            } else if (!up.isEmpty()) {
                sim.crash(up.get(random.nextInt(up.size())));
            }
        } else if (dice < 72) {
            List<Long> down = live.stream().filter(id -> !sim.isUp(id)).toList();
            if (!down.isEmpty()) {
                sim.restart(down.get(random.nextInt(down.size())));
            }
        } else if (dice < 82) {
            sim.setNetwork(randomNetwork());
        } else if (dice < 87) {
            OptionalLong leader = sim.leader();
            if (leader.isPresent()) {
                List<Long> voters = List.copyOf(sim.raft(leader.getAsLong()).confState().voters());
                sim.transferLeadership(leader.getAsLong(), voters.get(random.nextInt(voters.size())));
            }
        } else if (membership != null) {
            membership.act();
        }
    }

    /** Figure 8's pattern: a leader dies with entries only some followers have, and soon comes back. */
    private void crashLeaderBriefly(long leader) {
        sim.crash(leader);
        sim.schedule(random.nextInt(300), "nemesis restarts " + leader, () -> {
            if (running) {
                sim.restart(leader);
            }
        });
    }

    private void randomPartition(List<Long> live) {
        List<Long> shuffled = new ArrayList<>(live);
        Collections.shuffle(shuffled, new java.util.Random(random.nextLong()));
        int cut = 1 + random.nextInt(Math.max(1, shuffled.size() - 1));
        sim.partition(shuffled.subList(0, cut), shuffled.subList(cut, shuffled.size()));
    }

    private NetworkProfile randomNetwork() {
        return switch (random.nextInt(3)) {
            case 0 -> NetworkProfile.RELIABLE;
            case 1 -> NetworkProfile.UNRELIABLE;
            default -> new NetworkProfile(random.nextDouble() * 0.3, random.nextDouble() * 0.1, 1,
                    2 + random.nextInt(40), random.nextDouble() * 0.2, 1 + random.nextInt(400));
        };
    }
}
