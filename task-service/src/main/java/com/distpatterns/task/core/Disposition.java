package com.distpatterns.task.core;

/** What becomes of a delivered message once the worker is done with it. */
public enum Disposition {
    /** Acknowledge: the outcome is stored (or there is nothing to do). */
    ACK,
    /** Reject without requeue: the broker moves it to the dead-letter queue. */
    DEAD_LETTER,
    /** Give it back to the queue: this worker could not finish it (stopping, or the store is unreachable). */
    REQUEUE
}
