package com.distpatterns.event.core;

/**
 * The result of saving a subscription.
 *
 * @param created whether it is new; only then does the caller see its secret
 */
public record SubscriptionChange(SubscriptionStatus status, boolean created) {}
