package com.distpatterns.event.core;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Exponential backoff for webhook deliveries: after failed attempt {@code n} the next comes
 * {@code initialDelay * multiplier^(n-1)} later, capped at {@code maxDelay}; after {@code maxAttempts} attempts the
 * event is dead-lettered.
 */
public record RetrySchedule(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {

    public RetrySchedule {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0
                || multiplier < 1) {
            throw new IllegalArgumentException("Delays must be positive, maxDelay >= initialDelay, multiplier >= 1");
        }
    }

    /** Whether attempt {@code attempt} (counted from 1) was the last one allowed. */
    public boolean exhaustedAfter(int attempt) {
        return attempt >= maxAttempts;
    }

    /** How long to wait after failed attempt {@code attempt} (counted from 1). Whole milliseconds. */
    public Duration delayAfter(int attempt) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return millis >= maxDelay.toMillis() ? Duration.ofMillis(maxDelay.toMillis())
                : Duration.ofMillis(Math.round(millis));
    }

    /** Every delay the schedule uses, shortest first: one retry queue each. */
    public List<Duration> delays() {
        LinkedHashSet<Duration> delays = new LinkedHashSet<>();
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            delays.add(delayAfter(attempt));
        }
        return List.copyOf(delays);
    }
}
