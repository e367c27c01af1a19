package com.distpatterns.event.core;

/**
 * A subscription and how its deliveries stand.
 *
 * @param delivered events its webhook accepted with a 2xx, since it was created
 * @param pending events waiting for delivery or for their next retry
 * @param deadLettered events that exhausted the retry budget and wait in its dead-letter queue
 */
public record SubscriptionStatus(Subscription subscription, long delivered, long pending, long deadLettered) {}
