package com.distpatterns.consensus.infra.transport;

import com.distpatterns.consensus.raft.Message;
import com.distpatterns.consensus.raft.ProposalResult;
import java.util.List;

/** What travels between two servers over their TCP connection, one length-prefixed frame each. */
public sealed interface PeerFrame {

    /** The first frame on every connection: who is calling. */
    record Hello(long nodeId) implements PeerFrame {}

    /** A Raft message for the engine. */
    record RaftFrame(Message message) implements PeerFrame {}

    /**
     * Commands a follower received from its clients, for the leader to propose as one batch. The follower then
     * waits for the entries to be applied locally, at the indices the leader answers with. A membership change
     * travels alone, with {@code confChange} set.
     */
    record ForwardProposals(long batchId, boolean confChange, List<byte[]> commands) implements PeerFrame {
        public ForwardProposals {
            commands = List.copyOf(commands);
        }
    }

    /** The leader appended a forwarded batch at {@code firstIndex} onwards in {@code term}. */
    record ProposalsAccepted(long batchId, long firstIndex, long term) implements PeerFrame {}

    /** The receiver could not propose a forwarded batch, for {@code reason}; nothing was appended. */
    record ProposalsRejected(long batchId, long leaderHint, ProposalResult.Reason reason) implements PeerFrame {}

    /**
     * The first and only frame of a connection that downloads a store checkpoint at {@code minIndex} or later
     * (a snapshot's data): the answer is the checkpoint's files as a stream, not frames.
     */
    record FetchCheckpoint(long nodeId, long minIndex) implements PeerFrame {}

    /**
     * A follower asks the leader, which alone keeps leases' deadlines, for lease {@code leaseId}: renewed first when
     * {@code keepAlive}. Answered with {@link LeaseAnswer} under the same {@code requestId}.
     */
    record LeaseQuery(long requestId, boolean keepAlive, long leaseId) implements PeerFrame {}

    /** The leader's answer to a {@link LeaseQuery}: found (with the lease), not found, or ask again (not leader). */
    record LeaseAnswer(long requestId, Status status, long leaseId, long ttlSeconds, long remainingSeconds,
            List<String> keys) implements PeerFrame {
        public enum Status {
            FOUND, NOT_FOUND, RETRY
        }

        public LeaseAnswer {
            keys = List.copyOf(keys);
        }
    }
}
