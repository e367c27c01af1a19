package com.distpatterns.client;

/**
 * Thrown by a task handler to fail its task for good: the task ends {@code FAILURE} with this message, whatever
 * retries its type has left. Any other exception fails the task with retry (the type's policy decides).
 */
public class NonRetryableTaskException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NonRetryableTaskException(String message) {
        super(message);
    }

    public NonRetryableTaskException(String message, Throwable cause) {
        super(message, cause);
    }
}
