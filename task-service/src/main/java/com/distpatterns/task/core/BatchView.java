package com.distpatterns.task.core;

import java.util.List;

/**
 * A batch's progress.
 *
 * @param total how many chunk tasks it has
 * @param failed chunks that failed or were revoked
 * @param results each chunk's result as JSON text ({@code null} for a chunk that failed), in chunk order, once
 *     every chunk finished; {@code null} before
 */
public record BatchView(String id, int total, int succeeded, int failed, List<String> results) {

    public boolean finished() {
        return succeeded + failed >= total;
    }

    /** PENDING until a chunk finishes, STARTED while some are left, then SUCCESS or FAILURE. */
    public TaskStatus status() {
        if (finished()) {
            return failed == 0 ? TaskStatus.SUCCESS : TaskStatus.FAILURE;
        }
        return succeeded + failed == 0 ? TaskStatus.PENDING : TaskStatus.STARTED;
    }
}
