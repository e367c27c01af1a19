package com.distpatterns.client;

/**
 * The lease behind a {@link DistributedLock} ended while this thread believed it held the lock: the watchdog's
 * renewal was refused, or no renewal was confirmed before the lease ran out (a long pause, a partition). What the
 * thread did under the lock since may have overlapped with another holder; the fencing token is what protects
 * the data it wrote. An {@link IllegalMonitorStateException}, as {@code unlock()} of a lock one does not hold is.
 */
public final class LeaseLostException extends IllegalMonitorStateException {

    private static final long serialVersionUID = 1L;

    private final String lockName;
    private final long fencingToken;

    public LeaseLostException(String lockName, long fencingToken, String reason) {
        super("lease of lock '" + lockName + "' (fencing token " + fencingToken + ") was lost: " + reason);
        this.lockName = lockName;
        this.fencingToken = fencingToken;
    }

    public String lockName() {
        return lockName;
    }

    public long fencingToken() {
        return fencingToken;
    }
}
