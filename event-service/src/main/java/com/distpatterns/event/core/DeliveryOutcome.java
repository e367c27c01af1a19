package com.distpatterns.event.core;

import java.time.Duration;

/** What becomes of an event after one delivery attempt. */
public sealed interface DeliveryOutcome {

    /** The webhook accepted it: acknowledge it. */
    record Delivered() implements DeliveryOutcome {}

    /** Try again after {@code delay}, as attempt {@code nextAttempt}. */
    record Retry(int nextAttempt, Duration delay, String failure) implements DeliveryOutcome {}

    /** The retry budget is spent: park it in the dead-letter queue. */
    record DeadLetter(int attempts, String failure) implements DeliveryOutcome {}
}
