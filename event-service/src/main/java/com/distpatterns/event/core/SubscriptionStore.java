package com.distpatterns.event.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where subscription definitions live, shared by every instance and kept across restarts. */
public interface SubscriptionStore {

    Optional<Subscription> find(SubscriptionName name);

    /** Stores a new subscription unless one of that name exists; returns whether it stored it. */
    boolean createIfAbsent(Subscription subscription);

    void replace(Subscription subscription);

    /**
     * Removes the definition and, in the same step, leaves a tombstone so that its queues are deleted even if this
     * instance fails before doing it; returns whether there was such a definition.
     */
    boolean delete(SubscriptionName name);

    List<Subscription> all();

    /** Names whose queues may still have to be deleted. */
    Set<SubscriptionName> tombstones();

    void clearTombstone(SubscriptionName name);

    long delivered(SubscriptionName name);

    void addDelivered(Map<SubscriptionName, Long> counts);

    /** Keeps the latest failed attempt of a subscription that still exists, replacing the one before. */
    void recordFailure(SubscriptionName name, DeliveryFailure failure);

    Optional<DeliveryFailure> lastFailure(SubscriptionName name);
}
