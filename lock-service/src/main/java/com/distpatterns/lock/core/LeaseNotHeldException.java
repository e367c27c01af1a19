package com.distpatterns.lock.core;

/** The given lease does not hold the lock (wrong id, expired, or already released); nothing was changed. */
public class LeaseNotHeldException extends RuntimeException {

    public LeaseNotHeldException(String lockName) {
        super("That lease does not hold lock '" + lockName
                + "' (it expired, was released, or never held it); nothing was changed."
                + " Acquire the lock again.", null, false, false);
    }
}
