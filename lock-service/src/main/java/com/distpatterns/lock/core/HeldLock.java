package com.distpatterns.lock.core;

import java.time.Instant;

/**
 * A lock held now, as the console lists it: never the lease id.
 *
 * @param waiters the waiters queued for it (a waiter that gave up without withdrawing stays counted until its
 *     presence expires)
 */
public record HeldLock(String name, String owner, FencingToken fencingToken, Instant expiresAt, long waiters) {}
