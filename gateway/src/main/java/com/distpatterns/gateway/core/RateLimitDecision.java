package com.distpatterns.gateway.core;

import java.time.Duration;

/**
 * The rate limiter's answer for one request.
 *
 * @param allowed whether the request may proceed
 * @param limit the bucket's capacity
 * @param remaining whole tokens left after this request
 * @param retryAfter how long until a token is available again (zero when allowed)
 * @param resetAfter how long until the bucket is full again
 */
public record RateLimitDecision(boolean allowed, int limit, long remaining, Duration retryAfter, Duration resetAfter) {

    /** The answer when the limiter cannot decide: let the request through, claim nothing about the bucket. */
    public static RateLimitDecision unlimited(int limit) {
        return new RateLimitDecision(true, limit, limit, Duration.ZERO, Duration.ZERO);
    }
}
