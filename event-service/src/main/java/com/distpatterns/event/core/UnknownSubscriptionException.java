package com.distpatterns.event.core;

/** No subscription has this name. */
public class UnknownSubscriptionException extends RuntimeException {

    public UnknownSubscriptionException(SubscriptionName name) {
        super("No subscription is named '" + name + "'; create it with PUT /api/subscriptions/" + name + ".", null,
                false,
                false);
    }
}
