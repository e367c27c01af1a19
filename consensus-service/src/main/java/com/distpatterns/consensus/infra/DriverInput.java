package com.distpatterns.consensus.infra;

import com.distpatterns.consensus.core.ClusterStatus;
import com.distpatterns.consensus.core.KvResult;
import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.consensus.infra.transport.PeerFrame;
import com.distpatterns.consensus.raft.ConfChange;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What other threads hand the driver thread through its queue; only the driver touches the engine. */
sealed interface DriverInput {

    /** A change for the log, and the caller waiting for it; {@code deadline} is in {@link System#nanoTime()}. */
    sealed interface Proposal extends DriverInput {
        long deadline();

        void fail(RuntimeException cause);
    }

    /** A key-value command, already encoded. */
    record KvProposal(byte[] command, CompletableFuture<KvResult> result, long deadline) implements Proposal {
        @Override
        public void fail(RuntimeException cause) {
            result.completeExceptionally(cause);
        }
    }

    /** A membership change. */
    record ConfProposal(ConfChange change, CompletableFuture<ClusterStatus> result, long deadline) implements Proposal {
        @Override
        public void fail(RuntimeException cause) {
            result.completeExceptionally(cause);
        }
    }

    /** A read of one key. */
    record Read(String key, boolean linearizable, CompletableFuture<Optional<Versioned>> result, long deadline)
            implements DriverInput {
    }

    /** A request for this node's view of the cluster. */
    record StatusQuery(CompletableFuture<ClusterStatus> result) implements DriverInput {
    }

    /** A frame from a peer. */
    record FromPeer(long from, PeerFrame frame) implements DriverInput {
    }
}
