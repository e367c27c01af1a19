package com.distpatterns.task.core;

/** The broker did not confirm a message in time (or refused it): nothing was accepted. */
public class QueueUnavailableException extends RuntimeException {

    public QueueUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
