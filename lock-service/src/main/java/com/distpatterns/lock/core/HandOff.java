package com.distpatterns.lock.core;

import java.time.Instant;

/** A lease a release granted straight to a queued waiter, as announced to that waiter's instance. */
public record HandOff(WaiterId waiter, FencingToken fencingToken, Instant expiresAt) {}
