package com.distpatterns.consensus.raft.sim;

import com.distpatterns.consensus.linearizability.CheckResult;
import com.distpatterns.consensus.linearizability.KvModel;
import com.distpatterns.consensus.linearizability.LinearizabilityChecker;
import com.distpatterns.consensus.raft.RaftNode;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * One seeded run of the randomized test: a cluster shaped by the seed, clients working, faults for a number
 * of steps; then every fault heals, and a leader must emerge, the clients' operations finish and all servers
 * converge within a bound. Safety is checked after every step, linearizability of the history at the end.
 */
public final class RandomizedRun {

    /** Time after healing by which a leader must lead and every server must have caught up. */
    static final long LIVENESS_BOUND_MS = 10_000;

    /** What a successful run did, for the summary line. */
    public record Summary(long steps, long simulatedMs, long operations, int membershipChanges, long messages) {}

    private RandomizedRun() {}

    /** The command that replays one seed. */
    static String replayCommand(long seed) {
        String steps = System.getProperty("raft.sim.steps");
        return "./mvnw -pl consensus-service -am test -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest=RandomizedSimulationTest -Draft.sim.seed=" + seed
                + (steps == null ? "" : " -Draft.sim.steps=" + steps);
    }

    /**
     * Runs one seed.
     *
     * @throws SimulationFailure naming the seed, the replay command and the last events, if any check fails
     */
    public static Summary run(long seed, long chaosSteps) {
        Simulation[] simulation = new Simulation[1];
        try {
            return runChecked(seed, chaosSteps, simulation);
        } catch (Throwable t) {
            String events = simulation[0] == null ? "(none)" : simulation[0].recentEvents();
            throw new SimulationFailure(seed, replayCommand(seed), String.valueOf(t.getMessage()), events, t);
        }
    }

    private static Summary runChecked(long seed, long chaosSteps, Simulation[] simulation) {
        SplittableRandom shape = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int nodes = shape.nextInt(3) == 0 ? 5 : 3;
        SimulationConfig config = SimulationConfig.lab(nodes)
                .withElectionExtensions(shape.nextInt(4) != 0, shape.nextInt(4) != 0)
                .withReplication(1 + shape.nextInt(16),
                        shape.nextBoolean() ? 1 + shape.nextInt(120) : 100 + shape.nextInt(4000),
                        16 + shape.nextInt(256))
                .withSnapshots(shape.nextInt(4) == 0 ? 0 : 5 + shape.nextInt(40), shape.nextInt(6))
                // Power fails during an fsync on any node, a few times a run: the unsynced tail of its log is lost.
                .withPowerLoss(0.001 + shape.nextDouble() * 0.004);
        Simulation sim = new Simulation(seed, config);
        simulation[0] = sim;
        MembershipChanger membership = shape.nextBoolean() ? new MembershipChanger(sim, 3, 5) : null;
        KvWorkload workload = new KvWorkload(sim, 2 + shape.nextInt(4), 1 + shape.nextInt(3), 1_500, 30);
        Nemesis nemesis = new Nemesis(sim, 40 + shape.nextInt(200), membership);
        workload.start();
        nemesis.start();
        sim.runSteps(chaosSteps);

        nemesis.healAll();
        long healedAt = sim.now();
        if (!sim.runUntil(() -> sim.leader().isPresent(), LIVENESS_BOUND_MS)) {
            throw new AssertionError("liveness: no leader " + LIVENESS_BOUND_MS + " ms after all faults healed");
        }
        workload.stop();
        if (!sim.runUntil(() -> workload.inFlight() == 0, LIVENESS_BOUND_MS)) {
            throw new AssertionError(
                    "liveness: " + workload.inFlight() + " client operations still pending after healing");
        }
        if (!sim.runUntil(() -> converged(sim), LIVENESS_BOUND_MS)) {
            throw new AssertionError("liveness: servers did not converge on the leader's commit index after healing");
        }
        long livenessMs = sim.now() - healedAt;
        if (livenessMs > LIVENESS_BOUND_MS) {
            throw new AssertionError("liveness: recovery took " + livenessMs + " ms");
        }
        CheckResult check = LinearizabilityChecker.check(new KvModel(), workload.history(), Duration.ofSeconds(20));
        switch (check.verdict()) {
            case NOT_LINEARIZABLE -> throw new AssertionError("linearizability: " + check.explanation());
            // A check that could not finish proved nothing: the seed fails rather than pass unchecked.
            case TIMED_OUT -> throw new AssertionError("linearizability: the check of " + workload.history().size()
                    + " operations did not finish in 20 s");
            case LINEARIZABLE -> {}
        }
        return new Summary(sim.steps(), sim.now(), workload.history().size(),
                membership == null ? 0 : membership.changesCommitted(), sim.messagesSent());
    }

    /** Every server in the leader's membership has applied up to the leader's commit, and it is of its term. */
    static boolean converged(Simulation sim) {
        OptionalLong leaderId = sim.leader();
        if (leaderId.isEmpty()) {
            return false;
        }
        RaftNode leader = sim.raft(leaderId.getAsLong());
        long commit = leader.log().committed();
        if (leader.log().term(commit) != leader.term()) {
            return false;
        }
        var conf = leader.confState();
        for (long id : sim.serverIds()) {
            if (conf.isMember(id) && sim.applied(id) < commit) {
                return false;
            }
        }
        return true;
    }
}
