package com.distpatterns.task.config;

import com.distpatterns.task.core.RetryPolicy;
import com.distpatterns.task.core.TaskLimits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything task-service can be told (defaults in application.yml).
 *
 * @param roles {@code api}, {@code worker} or both ({@code TASK_ROLES})
 * @param amqpPrefix names the exchange ({@code <prefix>}) and the queues ({@code <prefix>.work}, ...)
 * @param redisPrefix starts every Redis key ({@code <prefix>:task:<id>}, ...)
 * @param resultTtl how long task state and results are kept
 * @param maxPayload the largest request body a submission may have
 * @param confirmTimeout how long a submission waits for the broker's confirm before answering 503
 * @param defaultMaxRetries the retries of a task that does not say
 */
@ConfigurationProperties("tasks")
@Validated
public record TaskProperties(
        @NotEmpty Set<TaskRole> roles,
        @NotNull @Pattern(regexp = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}") String amqpPrefix,
        @NotNull @Pattern(regexp = "[A-Za-z0-9_-][A-Za-z0-9._:-]{0,99}") String redisPrefix,
        @NotNull Duration resultTtl,
        @NotNull DataSize maxPayload,
        @NotNull Duration confirmTimeout,
        @Min(0) int defaultMaxRetries,
        @NotNull RetryPolicy retry,
        @NotNull TaskLimits limits,
        @Valid @NotNull Worker worker,
        @Valid @NotNull Rpc rpc,
        @Valid @NotNull Http http) {

    /**
     * The executing side.
     *
     * @param concurrency tasks one worker process runs at once
     * @param prefetch unacknowledged messages the broker hands each consumer ahead
     * @param deliveryLimit deliveries of one message (redeliveries after crashes) before the broker dead-letters it
     * @param shutdownTimeout how long a stopping worker lets running tasks finish before they go back to the queue
     */
    public record Worker(@Min(1) @Max(1000) int concurrency, @Min(1) @Max(10_000) int prefetch,
            @Min(1) @Max(1000) int deliveryLimit, @NotNull Duration shutdownTimeout) {}

    /**
     * Remote procedure calls.
     *
     * @param timeout how long a caller waits for a worker's answer before 504
     * @param concurrency calls one worker process answers at once
     * @param prefetch requests the broker hands each RPC consumer ahead
     */
    public record Rpc(@NotNull Duration timeout, @Min(1) @Max(1000) int concurrency,
            @Min(1) @Max(10_000) int prefetch) {}

    /**
     * Calls of http-mode task types (the same URL policy as event-service's webhooks).
     *
     * @param allowedHosts hosts a type's url may name ({@code TASKS_HTTP_ALLOWED_HOSTS}, comma-separated; {@code *}
     *     any public host, {@code *.example.com} its subdomains); empty allows none
     * @param allowPrivateNetworks whether names resolving to loopback or private addresses are allowed
     * @param connectTimeout how long a worker waits to connect to an endpoint
     */
    public record Http(@NotNull List<String> allowedHosts, boolean allowPrivateNetworks,
            @NotNull Duration connectTimeout) {}

    public boolean runs(TaskRole role) {
        return roles.contains(role);
    }
}
