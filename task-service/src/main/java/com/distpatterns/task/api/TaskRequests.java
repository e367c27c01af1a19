package com.distpatterns.task.api;

import java.util.List;
import java.util.Map;

/** The JSON bodies clients send. */
final class TaskRequests {

    private TaskRequests() {}

    /** {@code POST /api/tasks}. */
    record SubmitTask(String type, Map<String, Object> args, Integer maxRetries, String idempotencyKey) {}

    /** {@code POST /api/batches}: {@code items} split into chunks of {@code chunkSize}, one task each. */
    record SubmitBatch(String type, List<Object> items, Integer chunkSize, Integer maxRetries) {}

    /** {@code POST /api/rpc/factorial}. */
    record Factorial(Integer n) {}
}
