package com.distpatterns.lock.core;

import java.time.Duration;

/** The lock stayed held by another lease (or reserved for earlier waiters) for the whole allowed wait. */
public class LockHeldException extends RuntimeException {

    private final String lockName;
    private final Duration holderExpiresIn;

    public LockHeldException(String lockName, String holderOwner, Duration holderExpiresIn, Duration waited) {
        super(describe(lockName, holderOwner, holderExpiresIn, waited), null, false, false);
        this.lockName = lockName;
        this.holderExpiresIn = holderExpiresIn;
    }

    public String lockName() {
        return lockName;
    }

    /** How long the current lease has left, or {@code null} when the lock is only reserved for earlier waiters. */
    public Duration holderExpiresIn() {
        return holderExpiresIn;
    }

    private static String describe(String name, String owner, Duration expiresIn, Duration waited) {
        StringBuilder detail = new StringBuilder("Lock '").append(name).append("' ");
        if (expiresIn == null) {
            detail.append("is free but promised to requests that queued earlier");
        } else {
            detail.append("is held by another lease");
            if (owner != null && !owner.isEmpty()) {
                detail.append(" (owner '").append(owner).append("')");
            }
            detail.append(" for up to ").append(expiresIn.toMillis()).append(" ms more");
        }
        detail.append(waited.isZero() ? "; pass waitMs to wait for it."
                : " after waiting " + waited.toMillis() + " ms; retry or wait longer.");
        return detail.toString();
    }
}
