package com.distpatterns.task.core;

import java.time.Duration;

/**
 * The bounds a submission must respect, so that no client can queue work a worker cannot finish.
 *
 * @param maxFactorial largest {@code n} for {@code factorial}, as a task or over RPC
 * @param maxSleep longest {@code sleep}
 * @param maxFlakyFailures largest {@code failures} for {@code flaky}
 * @param maxRetries largest {@code maxRetries} a task may ask for
 * @param maxBatchTasks most chunks (tasks) one batch may create
 * @param maxIdempotencyKeyLength longest idempotency key, in characters
 */
public record TaskLimits(int maxFactorial, Duration maxSleep, int maxFlakyFailures, int maxRetries, int maxBatchTasks,
        int maxIdempotencyKeyLength) {

    public TaskLimits {
        require(maxFactorial >= 0, "maxFactorial must be >= 0");
        require(maxSleep != null && !maxSleep.isNegative(), "maxSleep must be >= 0");
        require(maxFlakyFailures >= 0, "maxFlakyFailures must be >= 0");
        require(maxRetries >= 0, "maxRetries must be >= 0");
        require(maxBatchTasks >= 1, "maxBatchTasks must be >= 1");
        require(maxIdempotencyKeyLength >= 1, "maxIdempotencyKeyLength must be >= 1");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
