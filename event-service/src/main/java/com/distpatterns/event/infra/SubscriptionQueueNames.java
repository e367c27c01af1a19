package com.distpatterns.event.infra;

import com.distpatterns.event.core.SubscriptionName;
import java.time.Duration;

/**
 * How a subscription's queues are named: {@code <prefix><name>} holds its events, {@code .retry.<ms>ms} wait out
 * one backoff each, {@code .dlq} holds what exhausted the retry budget.
 */
public record SubscriptionQueueNames(String prefix) {

    public String main(SubscriptionName name) {
        return prefix + name.value();
    }

    /** The delay is in the name so that changing the schedule declares new queues instead of clashing with old ones. */
    public String retry(SubscriptionName name, Duration delay) {
        return main(name) + ".retry." + delay.toMillis() + "ms";
    }

    public String deadLetter(SubscriptionName name) {
        return main(name) + ".dlq";
    }
}
