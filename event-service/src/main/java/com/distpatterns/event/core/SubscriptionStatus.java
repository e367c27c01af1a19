package com.distpatterns.event.core;

import java.util.Optional;

/**
 * A subscription and how its deliveries stand.
 *
 * @param delivered events its webhook accepted with a 2xx, since it was created
 * @param pending events waiting for delivery or for their next retry
 * @param deadLettered events that exhausted the retry budget and wait in its dead-letter queue
 * @param lastFailure the latest failed delivery attempt, if any since it was created
 */
public record SubscriptionStatus(Subscription subscription, long delivered, long pending, long deadLettered,
        Optional<DeliveryFailure> lastFailure) {}
