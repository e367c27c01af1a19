package com.distpatterns.task.core;

import com.distpatterns.platform.outbound.WebhookSecret;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * A task type a user registered: where its tasks run and how they are retried.
 *
 * @param url the endpoint a worker POSTs each task to ({@code http} mode), {@code null} for {@code pull}
 * @param timeout how long one attempt may take
 * @param maxRetries retries of a task that does not say, {@code null} for the service's default
 * @param concurrency calls in flight to this type in one worker
 * @param secret what calls to the endpoint are signed with (Standard Webhooks, as event-service's webhooks)
 */
public record RegisteredType(String name, TaskMode mode, URI url, Duration timeout, Integer maxRetries,
        int concurrency, RetryPolicy backoff, WebhookSecret secret, Instant createdAt, Instant updatedAt) {}
