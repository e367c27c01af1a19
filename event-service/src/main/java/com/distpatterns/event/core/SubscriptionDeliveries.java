package com.distpatterns.event.core;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The consumers on this instance that deliver subscriptions' events to their webhooks. */
public interface SubscriptionDeliveries {

    /** Whether this instance is consuming the subscription's queue right now. */
    boolean isRunning(SubscriptionName name);

    /** Starts consuming the subscription's queue, or carries on with the new definition. Idempotent. */
    void attach(Subscription subscription);

    /**
     * Stops consuming it here; what was not acknowledged goes back to the queue. Returns at once; the result completes
     * when the deliveries in flight have finished and the consumers are gone.
     */
    CompletableFuture<Void> detach(SubscriptionName name);

    Set<SubscriptionName> attached();
}
