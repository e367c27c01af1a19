package com.distpatterns.consensus.config;

import com.distpatterns.consensus.infra.transport.PeerAddress;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The consensus service's settings (defaults in {@code application.yml}; env {@code CONSENSUS_NODE_ID},
 * {@code CONSENSUS_PEERS}, {@code CONSENSUS_RAFT_PORT}, {@code CONSENSUS_DATA_DIR}, ...).
 *
 * @param nodeId this server's Raft id, positive and unique in the cluster
 * @param peers every server as {@code id=host:raftPort}, comma-separated, this one included: for a new cluster
 *     the founding membership; host names are resolved at every connection attempt
 * @param raftPort the TCP port this server's Raft transport listens on
 * @param dataDir where the write-ahead log and the snapshots live
 * @param join start empty and wait to be added by {@code POST /api/cluster/members} instead of founding a cluster
 * @param tick one engine tick
 * @param electionTicks ticks without a leader before a follower campaigns (randomized up to twice as many)
 * @param heartbeatTicks ticks between a leader's heartbeats
 * @param requestTimeout the longest a client call waits before it answers 503
 * @param snapshotEvery applied entries between snapshots of the store
 * @param snapshotKeepEntries entries kept behind a snapshot for followers that lag a little
 * @param walSegmentSize a log segment is closed and a new one started at this size
 * @param queueCapacity calls and peer frames waiting for the driver thread, at most (beyond: 503)
 * @param sendQueueCapacity frames waiting to be sent to one peer, at most (beyond: dropped)
 * @param maxInflight appends sent to one follower and not yet acknowledged, at most
 * @param maxBatchSize entries' bytes per append message, at most
 * @param snapshotChunkSize bytes per snapshot chunk sent to a follower
 * @param snapshotEveryBytes applied entries' bytes between snapshots: with {@code snapshotEvery}, bounds the log in memory
 * @param snapshotKeepBytes entries' bytes kept behind a snapshot, at most
 * @param maxPendingBytes writes' bytes accepted and not yet answered on this node, at most (beyond: 503)
 * @param quotaBytes the store's size on disk beyond which writes that add data answer 507
 * @param blockCacheSize RocksDB's block cache (native memory)
 * @param writeBufferSize RocksDB's write buffer, two at most (native memory)
 * @param autoCompactionRetainRevisions the leader compacts the history keeping this many revisions (0: off)
 * @param autoCompactionRetainTime the leader compacts the history keeping what this long wrote (0: off)
 */
@Validated
@ConfigurationProperties("consensus")
public record ConsensusProperties(
        @Positive long nodeId,
        @NotBlank String peers,
        @Min(0) @Max(65535) int raftPort,
        @NotBlank String dataDir,
        boolean join,
        @NotNull Duration tick,
        @Min(2) int electionTicks,
        @Positive int heartbeatTicks,
        @NotNull Duration requestTimeout,
        @Positive long snapshotEvery,
        @PositiveOrZero long snapshotKeepEntries,
        @NotNull DataSize walSegmentSize,
        @Positive int queueCapacity,
        @Positive int sendQueueCapacity,
        @Positive int maxInflight,
        @NotNull DataSize maxBatchSize,
        @NotNull DataSize snapshotChunkSize,
        @NotNull DataSize snapshotEveryBytes,
        @NotNull DataSize snapshotKeepBytes,
        @NotNull DataSize maxPendingBytes,
        @NotNull DataSize quotaBytes,
        @NotNull DataSize blockCacheSize,
        @NotNull DataSize writeBufferSize,
        @PositiveOrZero long autoCompactionRetainRevisions,
        @NotNull Duration autoCompactionRetainTime) {

    public ConsensusProperties {
        if (peers != null && !peers.isBlank()) {
            Map<Long, PeerAddress> parsed;
            try {
                parsed = PeerAddress.parseList(peers);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "consensus.peers (CONSENSUS_PEERS) is not id=host:port,...: " + e.getMessage());
            }
            if (!parsed.containsKey(nodeId)) {
                throw new IllegalArgumentException("consensus.peers (CONSENSUS_PEERS) must list this node, id " + nodeId
                        + ", too: " + peers);
            }
        }
        if (heartbeatTicks >= electionTicks) {
            throw new IllegalArgumentException("consensus.heartbeat-ticks must be below consensus.election-ticks");
        }
    }

    /** The peers parsed, this node included. */
    public Map<Long, PeerAddress> peerAddresses() {
        return PeerAddress.parseList(peers);
    }
}
