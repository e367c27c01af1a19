package com.distpatterns.event.core;

/** A subscription's queues on the broker: its own durable queue, retry queues and dead-letter queue. */
public interface SubscriptionQueues {

    /** Creates what is missing and binds the subscription queue with the subscription's pattern. Idempotent. */
    void declare(Subscription subscription);

    /** Stops routing events that match {@code pattern} to the subscription. */
    void unbind(SubscriptionName name, TopicPattern pattern);

    QueueDepths depths(SubscriptionName name);

    /** Deletes every queue of the subscription with what they hold. Idempotent. */
    void delete(SubscriptionName name);
}
