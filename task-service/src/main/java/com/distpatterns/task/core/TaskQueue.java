package com.distpatterns.task.core;

import java.util.List;

/** The broker side of tasks: every method returns only once the broker has confirmed the messages. */
public interface TaskQueue {

    /** @throws QueueUnavailableException when the broker did not confirm */
    void enqueue(TaskMessage message);

    /** Publishes all, then waits for all confirms. @throws QueueUnavailableException when any is not confirmed */
    void enqueueAll(List<TaskMessage> messages);

    /** Parks the message in the delay queue of that level; it comes back to the task queue as {@code attempt}. */
    void scheduleRetry(TaskMessage message, int attempt, RetryPolicy.RetryDelay delay);
}
