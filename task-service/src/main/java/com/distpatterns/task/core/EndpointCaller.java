package com.distpatterns.task.core;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** POSTs one task to a user's endpoint; never follows redirects, never waits longer than {@code timeout}. */
public interface EndpointCaller {

    /** How a call went. */
    sealed interface Outcome {
        /** The endpoint answered (its body read up to a bound). */
        record Answered(int status, byte[] body) implements Outcome {}

        /** No answer: refused, reset, unreachable, timed out. */
        record Unanswered(String reason) implements Outcome {}
    }

    Outcome post(URI url, Map<String, String> headers, byte[] body, Duration timeout) throws InterruptedException;
}
