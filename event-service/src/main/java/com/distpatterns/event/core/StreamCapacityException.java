package com.distpatterns.event.core;

/** This instance already serves as many live streams as it allows. */
public class StreamCapacityException extends RuntimeException {

    public StreamCapacityException(String message) {
        super(message, null, false, false);
    }
}
