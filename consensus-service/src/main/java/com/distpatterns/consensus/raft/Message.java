package com.distpatterns.consensus.raft;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything one node says to another. Each message carries the sender's term; a higher term makes the
 * receiver a follower in that term before it reads the rest (the read-index pair excepted, see there).
 */
public sealed interface Message {

    long from();

    long to();

    long term();

    /** A candidate asks for a vote, or (pre-vote) asks whether it could win one without disturbing anybody. */
    record RequestVote(long from, long to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
            boolean leadershipTransfer) implements Message {}

    /** The answer to a {@link RequestVote}; a granted pre-vote carries the term the candidate asked about. */
    record VoteResponse(long from, long to, long term, boolean granted, boolean preVote) implements Message {}

    /** New entries following (prevLogIndex, prevLogTerm), possibly none, and the leader's commit index. */
    record AppendEntries(long from, long to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
            long leaderCommit) implements Message {

        public AppendEntries {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The answer to an append. Accepted: {@code index} is the last index now matching the leader. Rejected:
     * {@code index} is the rejected prevLogIndex, and (hintIndex, hintTerm) the follower's last entry whose term
     * is at most the leader's prevLogTerm, so the leader can skip a whole conflicting term per round trip.
     */
    record AppendResponse(long from, long to, long term, boolean rejected, long index, long hintIndex, long hintTerm)
            implements Message {

        public static AppendResponse accepted(long from, long to, long term, long index) {
            return new AppendResponse(from, to, term, false, index, 0, 0);
        }
    }

    /** The leader's keep-alive, carrying its commit index (capped at what the follower has) and read round. */
    record Heartbeat(long from, long to, long term, long commit, long readRound) implements Message {}

    /** The answer to a heartbeat, echoing the read round it confirms. */
    record HeartbeatResponse(long from, long to, long term, long readRound) implements Message {}

    /** One chunk of the leader's snapshot, starting at byte {@code offset}; {@code last} marks the final one. */
    record InstallSnapshot(long from, long to, long term, SnapshotMetadata metadata, long offset, byte[] chunk,
            boolean last) implements Message {

        public InstallSnapshot {
            Objects.requireNonNull(metadata, "metadata");
            Objects.requireNonNull(chunk, "chunk");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InstallSnapshot m && from == m.from && to == m.to && term == m.term
                    && metadata.equals(m.metadata) && offset == m.offset && Arrays.equals(chunk, m.chunk)
                    && last == m.last;
        }

        @Override
        public int hashCode() {
            return Objects.hash(from, to, term, metadata, offset, Arrays.hashCode(chunk), last);
        }

        @Override
        public String toString() {
            return "InstallSnapshot[from=" + from + ", to=" + to + ", term=" + term + ", index=" + metadata.index()
                    + ", offset=" + offset + ", chunk=" + chunk.length + "B, last=" + last + "]";
        }
    }

    /** How many bytes of the snapshot at {@code snapshotIndex} the follower holds: where the leader continues. */
    record SnapshotResponse(long from, long to, long term, long snapshotIndex, long nextOffset) implements Message {}

    /** The leader hands over: the receiver, fully caught up, starts an election at once. */
    record TimeoutNow(long from, long to, long term) implements Message {}

    /**
     * A follower asks the leader for a read index on behalf of a local reader. Read requests and responses do
     * not move terms: the index a leader confirmed with a quorum stays safe to read at after it lost office.
     */
    record ReadIndexRequest(long from, long to, long term, long context) implements Message {}

    /** The leader's confirmed read index for a follower's request. */
    record ReadIndexResponse(long from, long to, long term, long context, long index) implements Message {}
}
