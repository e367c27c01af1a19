package com.distpatterns.task.core;

/** A task's own failure: retried with backoff until its retries are spent. */
public class TaskFailedException extends Exception {

    public TaskFailedException(String message) {
        super(message, null, false, false);
    }
}
