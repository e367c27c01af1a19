package com.distpatterns.consensus.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Runs many seeds of {@link RandomizedRun}. {@code -Draft.sim.seeds=N} sets how many (default 1,000),
 * {@code -Draft.sim.seed=S} replays one, {@code -Draft.sim.steps=N} sets the steps of faults per run (default 10,000).
 */
class RandomizedSimulationTest {

    @Test
    void everySeedKeepsSafetyLivenessAndLinearizability() throws Exception {
        long steps = Long.getLong("raft.sim.steps", 10_000);
        String single = System.getProperty("raft.sim.seed");
        List<Long> seeds = single != null && !single.isBlank()
                ? List.of(Long.parseLong(single.trim()))
                : LongStream.rangeClosed(1, Long.getLong("raft.sim.seeds", 1_000)).boxed().toList();
        ConcurrentLinkedQueue<SimulationFailure> failures = new ConcurrentLinkedQueue<>();
        AtomicLong totalSteps = new AtomicLong();
        AtomicLong totalOperations = new AtomicLong();
        AtomicLong totalChanges = new AtomicLong();
        long started = System.nanoTime();
        int parallelism = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        try (ForkJoinPool pool = new ForkJoinPool(parallelism)) {
            pool.submit(() -> seeds.parallelStream().forEach(seed -> {
                if (failures.size() >= 3) {
                    return; // enough to act on; do not spend the rest of the budget
                }
                try {
                    RandomizedRun.Summary summary = RandomizedRun.run(seed, steps);
                    totalSteps.addAndGet(summary.steps());
                    totalOperations.addAndGet(summary.operations());
                    totalChanges.addAndGet(summary.membershipChanges());
                } catch (SimulationFailure failure) {
                    failures.add(failure);
                }
            })).get();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        System.out.printf(
                "raft simulation: %d seeds, %d steps, %d client operations checked, %d membership changes, %d s%n",
                seeds.size(), totalSteps.get(), totalOperations.get(), totalChanges.get(), seconds);
        if (!failures.isEmpty()) {
            SimulationFailure first = failures.peek();
            failures.forEach(f -> System.out.println(f.getMessage()));
            throw first;
        }
        assertThat(totalOperations.get()).as("client operations checked").isPositive();
    }
}
