package com.distpatterns.task.core;

/** No task or batch with that id (never existed, or its record expired). */
public class TaskNotFoundException extends RuntimeException {

    public TaskNotFoundException(String message) {
        super(message, null, false, false);
    }
}
