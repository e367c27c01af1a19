package com.distpatterns.event.api;

import com.distpatterns.event.core.SubscriptionStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A subscription and its delivery counts.
 *
 * @param secret the key deliveries are signed with, present only in the answer that created the subscription
 */
public record SubscriptionResponse(
        String name, String pattern, String webhookUrl, long delivered, long pending, long deadLettered,
        LastError lastError, @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    /** The latest failed delivery attempt: what went wrong and when; {@code null} when none failed. */
    public record LastError(String error, Instant at) {}

    static SubscriptionResponse of(SubscriptionStatus status, boolean withSecret) {
        var subscription = status.subscription();
        return new SubscriptionResponse(subscription.name().value(), subscription.pattern().value(),
                subscription.webhookUrl().toString(), status.delivered(), status.pending(), status.deadLettered(),
                status.lastFailure().map(failure -> new LastError(failure.error(), failure.at())).orElse(null),
                withSecret ? subscription.secret().value() : null);
    }
}
