package com.distpatterns.consensus.raft;

/**
 * How one node behaves. Times are in ticks: the driver decides how long a tick is.
 *
 * @param id this node's id, positive and unique in the cluster
 * @param electionTick ticks without a leader before a follower campaigns; randomized in [n, 2n)
 * @param heartbeatTick ticks between a leader's heartbeats; well below electionTick
 * @param maxInflight appends sent to one follower and not yet acknowledged, at most
 * @param maxBatchBytes payload bytes per append message, at most (always at least one entry)
 * @param maxApplyBytes payload bytes of committed entries handed out per Ready, at most (at least one)
 * @param snapshotChunkBytes bytes of snapshot per InstallSnapshot message
 * @param preVote ask whether an election could be won before disturbing the cluster with a higher term
 * @param checkQuorum a leader steps down when it has not heard from a quorum for an election timeout
 * @param randomSeed seeds the election timeout jitter, so a run is reproducible
 */
public record RaftConfig(long id, int electionTick, int heartbeatTick, int maxInflight, long maxBatchBytes,
        long maxApplyBytes, int snapshotChunkBytes, boolean preVote, boolean checkQuorum,
        long randomSeed) {

    public RaftConfig {
        if (id <= 0) {
            throw new IllegalArgumentException("id must be positive: " + id);
        }
        if (heartbeatTick < 1 || electionTick <= heartbeatTick) {
            throw new IllegalArgumentException(
                    "need 1 <= heartbeatTick < electionTick, got " + heartbeatTick + " and " + electionTick);
        }
        if (maxInflight < 1 || maxBatchBytes < 1 || maxApplyBytes < 1 || snapshotChunkBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** Election after 10-20 ticks, heartbeat every tick, 256 appends of up to 1 MiB in flight. */
    public static RaftConfig defaults(long id) {
        return new RaftConfig(id, 10, 1, 256, 1 << 20, 64L << 20, 1 << 20, true, true, id);
    }

    public RaftConfig withTicks(int electionTick, int heartbeatTick) {
        return new RaftConfig(id, electionTick, heartbeatTick, maxInflight, maxBatchBytes, maxApplyBytes,
                snapshotChunkBytes, preVote, checkQuorum, randomSeed);
    }

    public RaftConfig withMaxInflight(int maxInflight) {
        return new RaftConfig(id, electionTick, heartbeatTick, maxInflight, maxBatchBytes, maxApplyBytes,
                snapshotChunkBytes, preVote, checkQuorum, randomSeed);
    }

    public RaftConfig withMaxBatchBytes(long maxBatchBytes) {
        return new RaftConfig(id, electionTick, heartbeatTick, maxInflight, maxBatchBytes, maxApplyBytes,
                snapshotChunkBytes, preVote, checkQuorum, randomSeed);
    }

    public RaftConfig withMaxApplyBytes(long maxApplyBytes) {
        return new RaftConfig(id, electionTick, heartbeatTick, maxInflight, maxBatchBytes, maxApplyBytes,
                snapshotChunkBytes, preVote, checkQuorum, randomSeed);
    }

    public RaftConfig withSnapshotChunkBytes(int snapshotChunkBytes) {
        return new RaftConfig(id, electionTick, heartbeatTick, maxInflight, maxBatchBytes, maxApplyBytes,
                snapshotChunkBytes, preVote, checkQuorum, randomSeed);
    }

    public RaftConfig withPreVote(boolean preVote) {
        return new RaftConfig(id, electionTick, heartbeatTick, maxInflight, maxBatchBytes, maxApplyBytes,
                snapshotChunkBytes, preVote, checkQuorum, randomSeed);
    }

    public RaftConfig withCheckQuorum(boolean checkQuorum) {
        return new RaftConfig(id, electionTick, heartbeatTick, maxInflight, maxBatchBytes, maxApplyBytes,
                snapshotChunkBytes, preVote, checkQuorum, randomSeed);
    }

    public RaftConfig withRandomSeed(long randomSeed) {
        return new RaftConfig(id, electionTick, heartbeatTick, maxInflight, maxBatchBytes, maxApplyBytes,
                snapshotChunkBytes, preVote, checkQuorum, randomSeed);
    }
}
