package com.distpatterns.lock.core;

import java.time.Instant;

/** A granted lease: who may act as the lock's holder, with which token, until when. */
public record LockLease(String name, LeaseId leaseId, FencingToken fencingToken, Instant expiresAt) {}
