package com.distpatterns.task.core;

/**
 * A registration as the client sent it; every field but {@code mode} may be left out ({@code null}).
 *
 * @param retryBackoff {@code null} for the defaults (1 s doubling up to 60 s)
 */
public record TaskTypeChange(String mode, String url, Long timeoutMs, Integer maxRetries, Integer concurrency,
        Backoff retryBackoff) {

    public record Backoff(Long initialMs, Double multiplier, Long maxMs) {}
}
