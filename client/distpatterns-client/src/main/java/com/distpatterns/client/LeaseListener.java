package com.distpatterns.client;

/** Told when a {@link DistributedLock}'s lease is lost while a thread holds the lock. */
@FunctionalInterface
public interface LeaseListener {

    /**
     * What was lost.
     *
     * @param lockName the lock
     * @param fencingToken the token of the lost lease
     * @param holder the name of the thread that held it
     * @param reason why the client concluded so
     */
    record LeaseLoss(String lockName, long fencingToken, String holder, String reason) {}

    /** Called once per lost lease, on a client thread: return quickly. */
    void leaseLost(LeaseLoss loss);
}
