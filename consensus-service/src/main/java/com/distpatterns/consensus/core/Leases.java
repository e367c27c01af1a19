package com.distpatterns.consensus.core;

import java.util.concurrent.CompletableFuture;

/**
 * Leases, served by the leader from any node. Calls on a lease that does not exist fail with
 * {@link LeaseNotFoundException}; like {@link ReplicatedStore}, with {@link ConsensusUnavailableException} when
 * they could not be done in time.
 */
public interface Leases {

    /** Grants a lease of {@code ttlSeconds} (5..3600). */
    CompletableFuture<Lease> grant(long ttlSeconds);

    /** Restarts the lease's full TTL; answers it with its keys. */
    CompletableFuture<Lease> keepAlive(long id);

    CompletableFuture<Lease> get(long id);

    /** Revokes the lease and deletes its keys in one revision; answers that revision. */
    CompletableFuture<Long> revoke(long id);
}
