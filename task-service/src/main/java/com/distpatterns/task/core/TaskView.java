package com.distpatterns.task.core;

import java.time.Instant;

/**
 * A task as stored: what {@code GET /api/tasks/{id}} shows and what terminal events carry.
 *
 * @param attempts how many times a worker started it (a run cut short by a dying worker counts)
 * @param result the result as JSON text, or {@code null}
 * @param error the last error, or {@code null}
 */
public record TaskView(String id, String type, TaskStatus status, int attempts, String result, String error,
        Instant createdAt, Instant updatedAt, String batchId) {}
