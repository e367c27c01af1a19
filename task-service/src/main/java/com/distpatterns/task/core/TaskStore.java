package com.distpatterns.task.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where task state and results live (with an expiry); every transition is atomic and conditional. */
public interface TaskStore {

    /**
     * Records a PENDING task. With an idempotency key that an earlier task already holds, records nothing.
     *
     * @return the id of the task that holds the key: {@code task.id()} unless the key was taken before
     */
    String create(NewTask task, Optional<String> idempotencyKey);

    /** Forgets a task whose message never reached the queue (and frees its idempotency key). */
    void discard(String taskId, Optional<String> idempotencyKey);

    /** Records that the broker confirmed the task's message. */
    void markQueued(String taskId);

    /**
     * Whether the task's message is known to be on the queue: confirmed, or the task has moved past PENDING.
     *
     * @return empty when there is no such task (never was, or discarded because its message did not get through)
     */
    Optional<Boolean> queued(String taskId);

    /** Records a batch and its PENDING chunk tasks, in chunk order. */
    void createBatch(String batchId, List<NewTask> chunks, Instant createdAt);

    /** Forgets a batch whose messages did not all reach the queue. */
    void discardBatch(String batchId, List<String> taskIds);

    Optional<TaskView> find(String taskId);

    Optional<BatchView> findBatch(String batchId);

    /** Marks the task STARTED for this attempt when it may run; says why not otherwise. */
    Claim claim(String taskId, int attempt, Instant now);

    /** STARTED -> RETRY for this attempt; false when the task has moved on meanwhile. */
    boolean recordRetry(String taskId, int attempt, String error, Instant now, Duration delay);

    /**
     * STARTED -> SUCCESS for this attempt, counted in its batch.
     *
     * @param resultJson the result as JSON text
     * @return the task as stored now, or empty when another delivery finished it first
     */
    Optional<TaskView> recordSuccess(String taskId, int attempt, String resultJson, Instant now);

    /** STARTED -> FAILURE for this attempt, counted in its batch; empty when another delivery finished it first. */
    Optional<TaskView> recordFailure(String taskId, int attempt, String error, Instant now);

    /** PENDING or RETRY -> REVOKED, counted as failed in its batch (again when it was revoked before). */
    RevokeOutcome revoke(String taskId, Instant now);

    /**
     * Counts a finished or revoked chunk task in its batch, once however often it is called: finishing a task and
     * counting it are two steps (the batch lives apart from its tasks), and a redelivered message repeats the
     * second in case its first delivery stopped in between. Does nothing for other tasks.
     */
    void countInBatch(String taskId);
}
