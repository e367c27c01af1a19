package com.distpatterns.task.core;

/** The answer to a revoke request: revoked (now or before), too late, or no such task. */
public enum RevokeOutcome {
    REVOKED,
    ALREADY_REVOKED,
    ALREADY_STARTED,
    ALREADY_FINISHED,
    NOT_FOUND
}
