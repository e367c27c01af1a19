package com.distpatterns.cache.core;

/** A request that breaks one of the cache's limits; the API turns it into a 4xx problem. */
public final class InvalidInputException extends RuntimeException {

    /** Which limit was broken. */
    public enum Reason {
        CACHE_NAME,
        KEY,
        TTL
    }

    private final Reason reason;

    public InvalidInputException(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
