package com.distpatterns.consensus.raft.sim;

import com.distpatterns.consensus.raft.RaftConfig;

/**
 * The shape of a simulated cluster: its size, the engine's settings, how often a tick comes, how long a
 * disk write takes, and how often servers snapshot.
 *
 * @param snapshotEvery applied entries between snapshots; 0 for never
 * @param retainAfterSnapshot entries kept in the log behind a snapshot, for followers that lag a little
 * @param encodeMessages pass every message through the binary codec, as a real transport would
 * @param powerLossRate the chance, per Ready written on any node, that the power fails during its fsync
 */
public record SimulationConfig(int nodes, int tickMs, int maxDiskDelayMs, int electionTick, int heartbeatTick,
        int maxInflight, long maxBatchBytes, int snapshotChunkBytes, boolean preVote,
        boolean checkQuorum, int snapshotEvery, int retainAfterSnapshot,
        boolean encodeMessages, double powerLossRate) {

    /** The lab's setting: ticks of 10 ms, elections after 100-200 ms, heartbeats every 40 ms. */
    public static SimulationConfig lab(int nodes) {
        return new SimulationConfig(nodes, 10, 1, 10, 4, 16, 64 * 1024, 1024, true, true, 0, 0, true, 0);
    }

    public SimulationConfig withSnapshots(int every, int retain) {
        return new SimulationConfig(nodes, tickMs, maxDiskDelayMs, electionTick, heartbeatTick, maxInflight,
                maxBatchBytes, snapshotChunkBytes, preVote, checkQuorum, every, retain, encodeMessages, powerLossRate);
    }

    public SimulationConfig withElectionExtensions(boolean preVote, boolean checkQuorum) {
        return new SimulationConfig(nodes, tickMs, maxDiskDelayMs, electionTick, heartbeatTick, maxInflight,
                maxBatchBytes, snapshotChunkBytes, preVote, checkQuorum, snapshotEvery, retainAfterSnapshot,
                encodeMessages, powerLossRate);
    }

    public SimulationConfig withReplication(int maxInflight, long maxBatchBytes, int snapshotChunkBytes) {
        return new SimulationConfig(nodes, tickMs, maxDiskDelayMs, electionTick, heartbeatTick, maxInflight,
                maxBatchBytes, snapshotChunkBytes, preVote, checkQuorum, snapshotEvery, retainAfterSnapshot,
                encodeMessages, powerLossRate);
    }

    /** Power fails during an fsync at this rate per written Ready, on every node. */
    public SimulationConfig withPowerLoss(double rate) {
        return new SimulationConfig(nodes, tickMs, maxDiskDelayMs, electionTick, heartbeatTick, maxInflight,
                maxBatchBytes, snapshotChunkBytes, preVote, checkQuorum, snapshotEvery, retainAfterSnapshot,
                encodeMessages, rate);
    }

    RaftConfig raftConfig(long id, long seed) {
        return RaftConfig.defaults(id)
                .withTicks(electionTick, heartbeatTick)
                .withMaxInflight(maxInflight)
                .withMaxBatchBytes(maxBatchBytes)
                .withSnapshotChunkBytes(snapshotChunkBytes)
                .withPreVote(preVote)
                .withCheckQuorum(checkQuorum)
                .withRandomSeed(seed);
    }
}
