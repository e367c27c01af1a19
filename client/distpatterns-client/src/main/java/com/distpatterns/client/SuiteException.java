package com.distpatterns.client;

/** Every failure of a call to the suite: an error answer ({@link ProblemException}) or no answer in time. */
public class SuiteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SuiteException(String message, Throwable cause) {
        super(message, cause);
    }
}
