package com.distpatterns.lock.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the lock service (prefix {@code lock}); defaults in {@code application.yml}.
 *
 * @param keyPrefix put before every Redis key and channel, so deployments or test runs can share one Redis
 * @param defaultTtl the lease length when an acquire names no {@code ttlMs}
 * @param pollInterval the safety net: the longest a waiter sleeps without asking Redis, should a wake-up be lost
 * @param presenceTtl how long a queued waiter counts as alive without a refresh (waiters refresh on every poll);
 *     a waiter whose instance died blocks those behind it for at most about this long
 * @param replicaAcknowledgement optionally confirm grants with {@code WAIT} before answering
 */
@Validated
@ConfigurationProperties("lock")
public record LockProperties(
        @NotNull @Pattern(regexp = "[^{}]*",
                message = "must not contain braces: they would break the per-lock hash tag") String keyPrefix,
        @NotNull Duration defaultTtl,
        @NotNull Duration pollInterval,
        @NotNull Duration presenceTtl,
        @NotNull @Valid ReplicaAcknowledgement replicaAcknowledgement) {

    public LockProperties {
        if (pollInterval != null && (pollInterval.isNegative() || pollInterval.isZero())) {
            throw new IllegalArgumentException("lock.poll-interval must be positive");
        }
        if (pollInterval != null && presenceTtl != null && presenceTtl.compareTo(pollInterval) <= 0) {
            throw new IllegalArgumentException(
                    "lock.presence-ttl must be longer than lock.poll-interval (waiters refresh it when they poll)");
        }
    }

    /**
     * @param enabled wait for replicas after each grant and renewal; off by default (costs a replication round trip)
     * @param replicas how many replicas must acknowledge
     * @param timeout how long to wait for them before answering 503 (a grant is then undone)
     * @param connections dedicated connections for this, i.e. grants that may wait for replicas at once
     */
    public record ReplicaAcknowledgement(
            boolean enabled,
            @Min(1) @Max(16) int replicas,
            @NotNull Duration timeout,
            @Min(1) @Max(256) int connections) {}
}
