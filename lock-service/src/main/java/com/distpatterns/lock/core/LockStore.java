package com.distpatterns.lock.core;

import java.time.Duration;
import java.util.Optional;

/**
 * The shared state of every lock, each call one atomic step. Every method throws
 * {@link LockStoreUnavailableException} when the store cannot be reached, and then has granted nothing.
 */
public interface LockStore {

    /**
     * Grants the lock when it is free and no earlier live waiter is queued (or {@code waiter} is the head of the
     * queue), incrementing its fencing counter in the same step. Otherwise, when {@code waiter} is given, queues it
     * (or keeps its place and refreshes its presence).
     */
    AcquireAttempt tryAcquire(String name, LeaseId leaseId, Duration ttl, String owner, Waiter waiter);

    /** Extends the lease if {@code leaseId} still holds the lock; {@code ttl} null keeps the lease's own TTL. */
    Optional<LockLease> renew(String name, LeaseId leaseId, Duration ttl);

    /**
     * Deletes the lease only if {@code leaseId} holds it, then grants the lock in the same step to the first live
     * queued waiter and announces the {@link HandOff} to that waiter's instance (handing it to the
     * {@link WaitingRoom} directly when that is this instance).
     */
    boolean release(String name, LeaseId leaseId);

    /**
     * Takes a waiter out of the queue, unless a release handed it the lock meanwhile: then it returns that lease.
     * A lock left free by an expired lease goes to the next live waiter, as on release.
     */
    Optional<LockLease> withdraw(String name, WaiterId waiter, LeaseId leaseId);

    /**
     * Vouches for a lease that a release handed to a waiter of this instance, before the waiter is told: a no-op,
     * unless grants must be confirmed by replicas (then it may renew the lease, or undo it and throw
     * {@link LockStoreUnavailableException}).
     */
    LockLease confirmHandOff(LockLease lease);

    LockStatus status(String name);

    /**
     * The locks held now whose names start with {@code prefix}, in name order, after the name {@code after} (none:
     * from the first), at most {@code limit}.
     */
    HeldLockPage held(String prefix, String after, int limit);
}
