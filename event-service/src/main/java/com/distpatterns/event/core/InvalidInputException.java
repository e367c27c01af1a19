package com.distpatterns.event.core;

/** Input a client sent that the service refuses; {@code problem} names the kind, {@code detail} says what to fix. */
public class InvalidInputException extends RuntimeException {

    private final String problem;

    public InvalidInputException(String problem, String detail) {
        super(detail, null, false, false);
        this.problem = problem;
    }

    /** A short slug such as {@code invalid-event-type}. */
    public String problem() {
        return problem;
    }
}
