package com.distpatterns.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries of a call that failed transiently (connection refused or reset, 502, 503, 504, 429), with exponential
 * backoff and jitter. Only calls that are safe to repeat are retried after the request may have reached the
 * suite; a refused connection (nothing was sent) is retried for every call.
 *
 * @param maxAttempts attempts in all, the first included (1: no retry)
 * @param initialBackoff the wait before the second attempt
 * @param maxBackoff the longest wait between two attempts; a {@code Retry-After} is honoured up to it
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofMillis(100));

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be 1..10, was " + maxAttempts);
        }
        initialBackoff = ClientSettings.positive(initialBackoff, Duration.ofMillis(100), "initialBackoff");
        maxBackoff = ClientSettings.positive(maxBackoff, Duration.ofSeconds(2), "maxBackoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff");
        }
    }

    /** The wait before attempt {@code attempt + 1} (attempt counts from 1), +/-20 % jitter, a server's hint honoured. */
    Duration backoff(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxBackoff) > 0 ? maxBackoff : retryAfter;
        }
        double base = initialBackoff.toMillis() * Math.pow(2, attempt - 1);
        double jittered = base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis((long) Math.min(jittered, maxBackoff.toMillis()));
    }
}
