package com.distpatterns.task.core;

/** A submission the service refuses before queueing anything; the message says what to change. */
public class InvalidTaskException extends RuntimeException {

    public InvalidTaskException(String message) {
        super(message, null, false, false);
    }
}
