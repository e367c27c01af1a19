package com.distpatterns.event.core;

/** The broker refused an event or did not confirm it in time: the client was not told it was accepted. */
public class PublishNotConfirmedException extends RuntimeException {

    public PublishNotConfirmedException(String message, Throwable cause) {
        super(message, cause);
    }
}
