package com.distpatterns.platform.messaging;

/** The broker did not take responsibility for a message: refused, unroutable, unconfirmed in time, or lost. */
public final class PublishFailedException extends RuntimeException {

    /** Why the publish failed. */
    public enum Reason {
        /** The broker nacked it: it was not published. */
        REFUSED,
        /** A mandatory message matched no queue: it was not published. */
        UNROUTABLE,
        /** No confirm within the timeout: it may or may not have been published. */
        TIMED_OUT,
        /** The channel closed before the confirm: it may or may not have been published. */
        LOST,
        /** The caller was interrupted while waiting: it may or may not have been published. */
        INTERRUPTED
    }

    private final Reason reason;

    PublishFailedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
