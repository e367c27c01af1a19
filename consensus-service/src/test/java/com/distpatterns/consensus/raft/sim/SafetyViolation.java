package com.distpatterns.consensus.raft.sim;

/** A property of the paper that a simulated run broke. */
public final class SafetyViolation extends AssertionError {

    public SafetyViolation(String message) {
        super(message);
    }
}
