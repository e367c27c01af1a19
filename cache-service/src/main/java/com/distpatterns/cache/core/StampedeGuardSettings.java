package com.distpatterns.cache.core;

import java.time.Duration;

/**
 * How a {@link StampedeGuard} waits and refreshes.
 *
 * @param ttl how long a computed value lives
 * @param lockLease how long one caller may hold the compute lock: longer than a computation takes
 * @param maxWait the longest a caller waits for another's computation before computing itself
 * @param recheckInterval how often a waiter looks again even without a notice, in case one was lost
 * @param earlyRefreshBeta XFetch's beta: 0 never refreshes early, 1 is the recommended value, more refreshes earlier
 */
public record StampedeGuardSettings(
        Duration ttl, Duration lockLease, Duration maxWait, Duration recheckInterval, double earlyRefreshBeta) {}
