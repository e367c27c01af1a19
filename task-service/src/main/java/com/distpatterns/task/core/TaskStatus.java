package com.distpatterns.task.core;

/** Where a task is in its life; the last three are terminal. */
public enum TaskStatus {
    PENDING,
    STARTED,
    RETRY,
    SUCCESS,
    FAILURE,
    REVOKED;

    public boolean terminal() {
        return this == SUCCESS || this == FAILURE || this == REVOKED;
    }
}
