package com.distpatterns.lock.core;

/** The store could not be reached or did not answer in time; nothing was granted. */
public class LockStoreUnavailableException extends RuntimeException {

    public LockStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
