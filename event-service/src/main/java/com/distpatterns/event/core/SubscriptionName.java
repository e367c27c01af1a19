package com.distpatterns.event.core;

import java.util.regex.Pattern;

/** The client-chosen name of a durable subscription; it also names the subscription's queues. */
public record SubscriptionName(String value) {

    private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public SubscriptionName {
        if (value == null || !GRAMMAR.matcher(value).matches()) {
            throw new InvalidInputException("invalid-subscription-name", "Subscription name '"
                    + EventType.printable(value)
                    + "' is not valid: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit.");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
