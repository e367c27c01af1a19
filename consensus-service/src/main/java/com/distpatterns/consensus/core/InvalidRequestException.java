package com.distpatterns.consensus.core;

/**
 * A caller's request the store refuses as it stands (a key too long, a TTL out of range, an election name with a
 * '/'): a 400 at the edge. Any other {@link IllegalArgumentException} is a bug, not a bad request.
 */
public final class InvalidRequestException extends IllegalArgumentException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
