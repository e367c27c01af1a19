package com.distpatterns.task.core;

import java.util.Map;

/**
 * What travels on the task queue: everything a worker needs to run the task. The attempt number travels beside
 * it (a message header), so a retry is the same body with a higher attempt.
 *
 * @param batchId the batch this task is a chunk of, or {@code null}
 * @param chunk its position in the batch, or {@code null}
 * @param deadline for a procedure call, when its caller stops waiting (epoch ms): no retry after it; or {@code null}
 */
public record TaskMessage(String id, String type, Map<String, Object> args, int maxRetries, String batchId,
        Integer chunk, Long deadline) {

    public TaskMessage {
        args = args == null ? Map.of() : args;
    }
}
