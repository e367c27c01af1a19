package com.distpatterns.client;

/**
 * No answer: the connection failed or the call ran out of its time bound. The call may or may not have taken
 * effect (a lease may have been granted, a value stored); {@link #timedOut()} tells the two causes apart.
 */
public final class SuiteUnreachableException extends SuiteException {

    private static final long serialVersionUID = 1L;

    private final boolean timedOut;

    public SuiteUnreachableException(String message, boolean timedOut, Throwable cause) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
