package com.distpatterns.event.core;

/**
 * What a subscription's queues hold on the broker.
 *
 * @param pending messages ready in the subscription queue and its retry queues
 * @param deadLettered messages in its dead-letter queue
 */
public record QueueDepths(long pending, long deadLettered) {}
