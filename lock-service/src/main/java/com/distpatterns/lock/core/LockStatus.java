package com.distpatterns.lock.core;

import java.time.Instant;

/**
 * What anyone may see about a lock. {@code fencingToken} is the current holder's token, or the last one ever
 * issued when nobody holds it ({@code null} if it was never granted); {@code owner} and {@code expiresAt} are
 * {@code null} when it is free.
 */
public record LockStatus(String name, boolean held, String owner, FencingToken fencingToken, Instant expiresAt) {}
