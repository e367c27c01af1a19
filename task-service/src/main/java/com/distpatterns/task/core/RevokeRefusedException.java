package com.distpatterns.task.core;

/** A revoke that came too late: the task already started or finished. */
public class RevokeRefusedException extends RuntimeException {

    private final TaskStatus status;

    public RevokeRefusedException(String message, TaskStatus status) {
        super(message, null, false, false);
        this.status = status;
    }

    public TaskStatus status() {
        return status;
    }
}
