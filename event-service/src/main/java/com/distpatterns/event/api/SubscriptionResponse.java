package com.distpatterns.event.api;

import com.distpatterns.event.core.SubscriptionStatus;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A subscription and its delivery counts.
 *
 * @param secret the key deliveries are signed with, present only in the answer that created the subscription
 */
public record SubscriptionResponse(
    String name, String pattern, String webhookUrl, long delivered, long pending, long deadLettered,
    @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

  static SubscriptionResponse of(SubscriptionStatus status, boolean withSecret) {
    var subscription = status.subscription();
    return new SubscriptionResponse(subscription.name().value(), subscription.pattern().value(),
        subscription.webhookUrl().toString(), status.delivered(), status.pending(), status.deadLettered(),
        withSecret ? subscription.secret().value() : null);
  }
}
