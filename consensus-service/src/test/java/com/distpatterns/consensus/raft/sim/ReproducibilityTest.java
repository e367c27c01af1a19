package com.distpatterns.consensus.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A seed is all a run depends on, and a failure says how to replay it. */
class ReproducibilityTest {

    @Test
    void theSameSeedReplaysTheSameRun() {
        RandomizedRun.Summary first = RandomizedRun.run(7, 3_000);
        RandomizedRun.Summary second = RandomizedRun.run(7, 3_000);
        assertThat(second).isEqualTo(first);
        assertThat(RandomizedRun.run(8, 3_000)).isNotEqualTo(first);
    }

    @Test
    void aFailureNamesItsSeedAndTheCommandThatReplaysIt() {
        SimulationFailure failure = new SimulationFailure(4242, RandomizedRun.replayCommand(4242), "boom", "t=1 tick 1",
                null);
        assertThat(failure.getMessage())
                .contains("seed 4242")
                .contains(
                        "./mvnw -pl consensus-service -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=RandomizedSimulationTest -Draft.sim.seed=4242")
                .contains("t=1 tick 1");
    }
}
