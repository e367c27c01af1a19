package com.distpatterns.task.core;

/** A change to a task type that cannot be made: the built-in types are not the users' to replace or delete. */
public class TaskTypeConflictException extends RuntimeException {

    public TaskTypeConflictException(String message) {
        super(message, null, false, false);
    }
}
