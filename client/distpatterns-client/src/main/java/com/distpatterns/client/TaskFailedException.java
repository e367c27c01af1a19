package com.distpatterns.client;

/**
 * A submitted task ended without a result: {@code FAILURE} (its handler failed it, or it ran out of retries) or
 * {@code REVOKED}. What {@link TaskHandle#result()} completes exceptionally with.
 */
public final class TaskFailedException extends SuiteException {

    private static final long serialVersionUID = 1L;

    private final String taskId;
    private final String taskType;
    private final String status;
    private final String error;
    private final int attempts;

    public TaskFailedException(String taskId, String taskType, String status, String error, int attempts) {
        super("task " + taskId + " (" + taskType + ") ended " + status + " after " + attempts + " attempt(s)"
                + (error == null ? "" : ": " + error), null);
        this.taskId = taskId;
        this.taskType = taskType;
        this.status = status;
        this.error = error;
        this.attempts = attempts;
    }

    public String taskId() {
        return taskId;
    }

    public String taskType() {
        return taskType;
    }

    /** {@code FAILURE} or {@code REVOKED}. */
    public String status() {
        return status;
    }

    public boolean revoked() {
        return "REVOKED".equals(status);
    }

    /** The task's error message as the suite recorded it; {@code null} for a revoked task. */
    public String error() {
        return error;
    }

    public int attempts() {
        return attempts;
    }
}
