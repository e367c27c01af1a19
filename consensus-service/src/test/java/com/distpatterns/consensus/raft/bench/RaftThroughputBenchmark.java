package com.distpatterns.consensus.raft.bench;

import com.distpatterns.consensus.raft.ProposalResult;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Committed proposals per second through three in-memory engines, with no I/O: batched (many proposals
 * between two Readies, as a driver thread draining a queue makes them) and unbatched (one proposal, then
 * wait for its commit). Run with {@code scripts/bench/raft.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RaftThroughputBenchmark {

    static final int BATCH = 1_000;
    static final int PAYLOAD_BYTES = 128;

    private InMemoryCluster cluster;
    private final byte[] payload = new byte[PAYLOAD_BYTES];

    @Setup
    public void startCluster() {
        cluster = new InMemoryCluster(3);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batched() {
        long last = 0;
        for (int i = 0; i < BATCH; i++) {
            last = accepted(cluster.leader().propose(payload));
        }
        long target = last;
        cluster.pumpUntil(() -> cluster.leaderApplied() >= target);
        return target;
    }

    @Benchmark
    public long unbatched() {
        long target = accepted(cluster.leader().propose(payload));
        cluster.pumpUntil(() -> cluster.leaderApplied() >= target);
        return target;
    }

    private static long accepted(ProposalResult result) {
        if (result instanceof ProposalResult.Accepted accepted) {
            return accepted.lastIndex();
        }
        throw new IllegalStateException("the leader refused a proposal: " + result);
    }

    /**
     * Runs both benchmarks (JMH options may be passed) and prints one summary line per benchmark: the median
     * iteration, which a machine shared with other work disturbs less than the mean, then mean and best.
     */
    public static void main(String[] args) throws Exception {
        CommandLineOptions given = new CommandLineOptions(args);
        var options = new OptionsBuilder().parent(given).include(RaftThroughputBenchmark.class.getName() + ".*")
                .build();
        Collection<RunResult> results = new Runner(options).run();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            double[] iterations = result.getBenchmarkResults().stream()
                    .flatMap(run -> run.getIterationResults().stream())
                    .mapToDouble(iteration -> iteration.getPrimaryResult().getScore())
                    .sorted().toArray();
            System.out.printf(Locale.ROOT,
                    "RESULT %s median %.0f committed proposals/s (mean %.0f, best %.0f, %d iterations)%n",
                    name.substring(name.lastIndexOf('.') + 1), iterations[iterations.length / 2],
                    result.getPrimaryResult().getScore(), iterations[iterations.length - 1], iterations.length);
        }
    }
}
