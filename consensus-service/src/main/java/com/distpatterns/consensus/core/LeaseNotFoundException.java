package com.distpatterns.consensus.core;

/** The lease does not exist: never granted, revoked, or expired. */
public final class LeaseNotFoundException extends RuntimeException {

    private final long id;

    public LeaseNotFoundException(long id) {
        super("lease " + id + " does not exist (never granted, revoked or expired)");
        this.id = id;
    }

    public long id() {
        return id;
    }
}
