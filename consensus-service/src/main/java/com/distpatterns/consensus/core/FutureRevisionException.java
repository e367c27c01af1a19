package com.distpatterns.consensus.core;

/** A read at a revision the store has not reached. */
public final class FutureRevisionException extends RuntimeException {

    public FutureRevisionException(long requested, long current) {
        super("Revision " + requested + " is in the future: the store is at revision " + current + ".", null, false,
                false);
    }
}
