package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.ClusterStatus;
import com.distpatterns.consensus.core.Applied;
import com.distpatterns.consensus.core.Lease;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.transport.PeerFrame;
import com.distpatterns.consensus.raft.ConfChange;
import java.util.function.BiFunction;
import java.util.concurrent.CompletableFuture;

/** What other threads hand the driver thread through its queue; only the driver touches the engine. */
sealed interface DriverInput {

    /** Tells whoever waits for this input that it will not be done. */
    void fail(RuntimeException cause);

    /** A change for the log, and the caller waiting for it; {@code deadline} is in {@link System#nanoTime()}. */
    sealed interface Proposal extends DriverInput {
        long deadline();
    }

    /** A key-value command, already encoded. */
    record KvProposal(byte[] command, CompletableFuture<Applied> result, long deadline) implements Proposal {
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

    /** A read of the store: served at once ({@code linearizable} false) or after a ReadIndex round. */
    record Read(boolean linearizable, StoreRead<?> task, long deadline) implements DriverInput {
        @Override
        public void fail(RuntimeException cause) {
            task.fail(cause);
        }
    }

    /**
     * What a read does with the store once it may, and who waits for it: a lease read, or a key-value read's permit
     * (its term: {@link StoreReaders} reads off the driver thread). Driver thread.
     */
    record StoreRead<T>(BiFunction<MvccStore, Long, T> reader, CompletableFuture<T> result) {
        /** Reads the store as it is now; {@code raftTerm} is the node's term. */
        void serve(MvccStore store, long raftTerm) {
            try {
                result.complete(reader.apply(store, raftTerm));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        void fail(RuntimeException cause) {
            result.completeExceptionally(cause);
        }
    }

    /** A keepalive ({@code keepAlive}) or a read of lease {@code id}, which only the leader answers. */
    record LeaseCall(long id, boolean keepAlive, CompletableFuture<Lease> result, long deadline)
            implements DriverInput {
        @Override
        public void fail(RuntimeException cause) {
            result.completeExceptionally(cause);
        }
    }

    /** A request for this node's view of the cluster. */
    record StatusQuery(CompletableFuture<ClusterStatus> result) implements DriverInput {
        @Override
        public void fail(RuntimeException cause) {
            result.completeExceptionally(cause);
        }
    }

    /** A frame from a peer. */
    record FromPeer(long from, PeerFrame frame) implements DriverInput {
        @Override
        public void fail(RuntimeException cause) {
            // nobody waits for a peer's frame: Raft resends what matters
        }
    }
}
