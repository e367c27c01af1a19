package com.distpatterns.consensus.raft;

/** Bytes that do not decode to a message or log payload of a version this code understands. */
public final class MalformedMessageException extends RuntimeException {

    public MalformedMessageException(String message) {
        super(message);
    }
}
