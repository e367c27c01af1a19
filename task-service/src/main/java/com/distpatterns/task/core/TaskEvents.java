package com.distpatterns.task.core;

/** Announces terminal task states to whoever subscribes (the suite's event bus). */
public interface TaskEvents {

    /** Publishes {@code task.succeeded}, {@code task.failed} or {@code task.revoked}; returns once confirmed. */
    void announce(TaskView task);
}
