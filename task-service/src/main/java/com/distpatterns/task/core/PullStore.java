package com.distpatterns.task.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Leases of pull-type tasks. A task's lease lives in the task's own record; each type has a schedule of its
 * tasks (when each is due), kept apart from them, so every change is two steps: the task first, then the schedule,
 * and a schedule entry out of step with its task is put right by the next lease that meets it.
 */
public interface PullStore {

    /** How giving a due task to a lease went. */
    sealed interface Claim {
        record Leased(int attempt, String argsJson) implements Claim {}

        /** Another lease, or a retry delay, holds the task until then. */
        record Held(Instant until) implements Claim {}

        /** Finished, revoked or expired: nothing to lease. */
        record Gone() implements Claim {}

        /** Its last lease expired with no attempt left: now FAILURE. */
        record Exhausted() implements Claim {}
    }

    /** What a lease holder does with its task. */
    enum Action {
        COMPLETE, FAIL, RETRY, HEARTBEAT
    }

    /** Makes a PENDING task leasable (repeatable): its args go beside its state, then it is scheduled as due now. */
    void offer(String type, String taskId, String argsJson, int maxRetries, Instant now);

    /** Takes up to {@code max} due tasks of the type, hidden from other callers until {@code hiddenUntil}. */
    List<String> due(String type, int max, Instant now, Instant hiddenUntil);

    Claim claim(String taskId, String leaseId, Instant now, Instant leaseEnds);

    /**
     * Applies a holder's action while its lease holds the task.
     *
     * @param payload result JSON (complete), error (fail), retry due at in epoch ms (retry), lease end (heartbeat)
     * @param error the error of a retry, {@code null} otherwise
     * @return the task's status afterwards, or empty when the lease no longer holds the task
     */
    Optional<TaskStatus> settle(String taskId, String leaseId, Action action, String payload, String error,
            Instant now);

    /**
     * Ends every unfinished task in a deleted type's schedule with {@code error}, then drops the schedule.
     *
     * @return the tasks ended now
     */
    List<String> abandon(String type, String error, Instant now);

    /** The retries the task was submitted with (0 when unknown). */
    int maxRetries(String taskId);

    /** Moves the task's schedule entry (repeatable). */
    void reschedule(String type, String taskId, Instant dueAt);

    /** Drops the task from the type's schedule (repeatable). */
    void unschedule(String type, String taskId);
}
