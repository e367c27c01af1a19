package com.distpatterns.consensus.core;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The key-value store as the cluster serves it, from any node. Every call answers through its future: a value, or
 * {@link ConsensusUnavailableException} when it could not be done in time, {@link MembershipException} when a
 * membership change is not possible. Implemented by the thread that drives the Raft node.
 */
public interface ReplicatedStore {

    /** Replicates a command through the log and answers what applying it did, once a majority committed it. */
    CompletableFuture<Applied> write(KvCommand command);

    /** Reads a key: linearizable (confirmed with the leader and a quorum), or this node's own state. */
    CompletableFuture<Optional<Versioned>> read(String key, ReadConsistency consistency);

    /**
     * Reads a key as of {@code revision} (0: the current one); fails with {@link CompactedException} or
     * {@link FutureRevisionException} when that revision cannot be read.
     */
    CompletableFuture<KeyRead> get(String key, long revision, ReadConsistency consistency);

    /** Reads a page of keys; fails as {@link #get} does. */
    CompletableFuture<RangeRead> range(RangeQuery query, ReadConsistency consistency);

    /** The store revision and compacted revision on this node now: {@code [revision, compacted]}. */
    long[] revisions();

    /** This node's view of the cluster. */
    CompletableFuture<ClusterStatus> status();

    /** Adds a server as a learner; it is promoted to voter once it has caught up with the log. */
    CompletableFuture<ClusterStatus> addMember(long id, String address);

    /** Removes a server from the cluster. */
    CompletableFuture<ClusterStatus> removeMember(long id);

    /** Whether the node can serve: it knows a leader (or is one) and its storage works. */
    boolean isServing();

    /** Whether the node's storage failed: it acknowledges nothing until restarted. */
    boolean isStorageFailed();
}
