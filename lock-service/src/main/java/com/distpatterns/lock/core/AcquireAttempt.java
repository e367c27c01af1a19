package com.distpatterns.lock.core;

import java.time.Duration;

/** The outcome of one atomic attempt to take a lock. */
public sealed interface AcquireAttempt {

    /** The lock is ours. */
    record Granted(LockLease lease) implements AcquireAttempt {}

    /**
     * Someone else holds it, or waiters queued earlier come first.
     *
     * @param holderExpiresIn how long until the current lease runs out by Redis' clock, or {@code null} when the
     *     lock is free but reserved for an earlier waiter
     * @param headOfQueue whether this waiter is next in line (only the head needs to wake at the holder's expiry)
     * @param holderOwner the holder's public label, or {@code null}
     */
    record Busy(Duration holderExpiresIn, boolean headOfQueue, String holderOwner) implements AcquireAttempt {}
}
