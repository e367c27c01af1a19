package com.distpatterns.task.core;

/** What the store says when a worker wants to start a delivered task. */
public enum Claim {
    /** Run it: the task is now STARTED for this attempt. */
    RUN,
    /** Already succeeded (a redelivery after the result was stored): acknowledge without running. */
    SUCCEEDED,
    /** Already failed for good: its message belongs in the dead-letter queue. */
    FAILED,
    /** Revoked before it started: skip it. */
    REVOKED,
    /** An older copy of a task that has moved on (its retry is already scheduled): drop it. */
    STALE,
    /** No such task: it expired, or its submission was abandoned. Drop it. */
    MISSING
}
