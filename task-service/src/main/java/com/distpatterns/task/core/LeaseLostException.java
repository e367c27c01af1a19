package com.distpatterns.task.core;

/** A lease holder's call on a task its lease no longer holds (expired, or the task finished or was revoked). */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(String message) {
        super(message, null, false, false);
    }
}
