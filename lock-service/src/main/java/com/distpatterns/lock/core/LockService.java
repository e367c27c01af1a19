package com.distpatterns.lock.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Acquire with a bounded, fair wait; renew and release only by the holder. A waiter is handed the lock by the
 * release itself (announced over the store's notification), with a poll as the safety net for a lost
 * announcement and for a lease that simply expires (expiry notifies nobody).
 */
public final class LockService {

    /** Waking a hair after the holder's expiry, so the store has certainly seen it go. */
    private static final Duration EXPIRY_SLACK = Duration.ofMillis(2);

    private final LockStore store;
    private final WaitingRoom waitingRoom;
    private final LockEvents events;
    private final String instanceId;
    private final Duration defaultTtl;
    private final Duration pollInterval;
    private final Duration presenceTtl;

    /**
     * @param instanceId names this instance's wake-up channel in the store
     * @param defaultTtl the lease length when a caller names none
     * @param pollInterval the longest a waiter sleeps without asking the store again
     * @param presenceTtl how long a waiter stays in the queue without a refresh; longer than {@code pollInterval}
     */
    public LockService(LockStore store, WaitingRoom waitingRoom, LockEvents events, String instanceId,
            Duration defaultTtl, Duration pollInterval, Duration presenceTtl) {
        if (presenceTtl.compareTo(pollInterval) <= 0) {
            throw new IllegalArgumentException("a waiter's presence must outlast the poll interval that refreshes it");
        }
        this.store = store;
        this.waitingRoom = waitingRoom;
        this.events = events;
        this.instanceId = instanceId;
        this.defaultTtl = defaultTtl;
        this.pollInterval = pollInterval;
        this.presenceTtl = presenceTtl;
    }

    /**
     * Takes the lock, waiting up to {@code maxWait} behind the holder and earlier waiters.
     *
     * @param ttl the lease length, or {@code null} for the default
     * @throws LockHeldException when it is still held by another after {@code maxWait}
     */
    public LockLease acquire(String name, Duration ttl, Duration maxWait, String owner) {
        return acquireLease(name, ttl == null ? defaultTtl : ttl, maxWait, owner);
    }

    private LockLease acquireLease(String name, Duration ttl, Duration maxWait, String owner) {
        LeaseId leaseId = LeaseId.random();
        if (maxWait.isZero()) {
            AcquireAttempt attempt = store.tryAcquire(name, leaseId, ttl, owner, null);
            return switch (attempt) {
                case AcquireAttempt.Granted granted -> granted(granted.lease(), GrantPath.IMMEDIATE);
                case AcquireAttempt.Busy busy -> throw refused(name, busy, maxWait);
            };
        }
        Waiter waiter = new Waiter(WaiterId.random(), instanceId, presenceTtl);
        waitingRoom.enter(waiter.id());
        events.waitingChanged(1);
        boolean queued = false;
        try {
            long start = System.nanoTime();
            long deadline = start + maxWait.toNanos();
            GrantPath path = GrantPath.IMMEDIATE;
            while (true) {
                AcquireAttempt attempt = store.tryAcquire(name, leaseId, ttl, owner, waiter);
                if (attempt instanceof AcquireAttempt.Granted granted) {
                    return granted(granted.lease(), path);
                }
                queued = true;
                AcquireAttempt.Busy busy = (AcquireAttempt.Busy) attempt;
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    queued = false;
                    Optional<LockLease> handedOverMeanwhile = store.withdraw(name, waiter.id(), leaseId);
                    if (handedOverMeanwhile.isPresent()) {
                        return granted(store.confirmHandOff(handedOverMeanwhile.get()), GrantPath.NOTIFICATION);
                    }
                    events.waiterTimedOut();
                    throw refused(name, busy, Duration.ofNanos(System.nanoTime() - start));
                }
                Duration sleep = Duration.ofNanos(Math.min(remaining, pollInterval.toNanos()));
                if (busy.headOfQueue() && busy.holderExpiresIn() != null) {
                    // An expiring lease tells nobody: the head of the queue must look when it runs out.
                    Duration untilExpiry = busy.holderExpiresIn().plus(EXPIRY_SLACK);
                    if (untilExpiry.compareTo(sleep) < 0) {
                        sleep = untilExpiry;
                    }
                }
                HandOff handOff = waitingRoom.await(waiter.id(), sleep);
                if (handOff != null) {
                    LockLease lease = new LockLease(name, leaseId, handOff.fencingToken(), handOff.expiresAt());
                    return granted(store.confirmHandOff(lease), GrantPath.NOTIFICATION);
                }
                path = GrantPath.POLL;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdrawQuietly(name, waiter.id(), leaseId);
            throw new LockStoreUnavailableException("The service is shutting down; nothing was granted.", e);
        } catch (RuntimeException e) {
            if (queued && !(e instanceof LockHeldException)) {
                withdrawQuietly(name, waiter.id(), leaseId);
            }
            throw e;
        } finally {
            waitingRoom.leave(waiter.id());
            events.waitingChanged(-1);
        }
    }

    /** @throws LeaseNotHeldException when that lease no longer holds the lock */
    public LockLease renew(String name, LeaseId leaseId, Duration ttl) {
        return store.renew(name, leaseId, ttl).orElseThrow(() -> new LeaseNotHeldException(name));
    }

    /** @throws LeaseNotHeldException when that lease does not hold the lock; nothing is deleted then */
    public void release(String name, LeaseId leaseId) {
        if (!store.release(name, leaseId)) {
            throw new LeaseNotHeldException(name);
        }
        events.released();
    }

    public HeldLockPage held(String prefix, String after, int limit) {
        return store.held(prefix, after, limit);
    }

    public LockStatus status(String name) {
        return store.status(name);
    }

    private LockLease granted(LockLease lease, GrantPath path) {
        events.granted(path);
        return lease;
    }

    private LockHeldException refused(String name, AcquireAttempt.Busy busy, Duration waited) {
        events.refused();
        return new LockHeldException(name, busy.holderOwner(), busy.holderExpiresIn(), waited);
    }

    /** For a waiter that fails: leave the queue, and give back a lock handed over meanwhile that nobody will use. */
    private void withdrawQuietly(String name, WaiterId waiter, LeaseId leaseId) {
        try {
            store.withdraw(name, waiter, leaseId).ifPresent(lease -> store.release(name, leaseId));
        } catch (RuntimeException ignored) {
            // The store is failing; the waiter's presence expires on its own and the queue skips it.
        }
    }
}
