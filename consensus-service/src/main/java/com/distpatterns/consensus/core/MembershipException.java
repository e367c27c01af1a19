package com.distpatterns.consensus.core;

/** A membership change that cannot be made as asked: the server is already a member, is not one, or is the last. */
public final class MembershipException extends RuntimeException {

    public MembershipException(String message) {
        super(message, null, false, false);
    }
}
