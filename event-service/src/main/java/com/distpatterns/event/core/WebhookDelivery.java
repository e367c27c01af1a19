package com.distpatterns.event.core;

import com.distpatterns.platform.outbound.OutboundUrlPolicy;
import com.distpatterns.platform.outbound.WebhookSignature;
import com.distpatterns.platform.events.CloudEventMessages;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** One delivery attempt of one event to one subscription's webhook, and what follows from it. */
public final class WebhookDelivery {

    private final WebhookClient client;
    private final OutboundUrlPolicy policy;
    private final RetrySchedule retries;
    private final DeliveryCounters counters;
    private final Clock clock;

    public WebhookDelivery(WebhookClient client, OutboundUrlPolicy policy, RetrySchedule retries,
            DeliveryCounters counters,
            Clock clock) {
        this.client = client;
        this.policy = policy;
        this.retries = retries;
        this.counters = counters;
        this.clock = clock;
    }

    public RetrySchedule retries() {
        return retries;
    }

    /**
     * POSTs the event, signed, and decides what happens to it.
     *
     * @param attempt this attempt's number, counted from 1
     */
    public DeliveryOutcome deliver(Subscription subscription, InboundEvent event, int attempt) {
        WebhookResponse response = call(subscription, event);
        if (response.accepted()) {
            counters.delivered(subscription.name());
            return new DeliveryOutcome.Delivered();
        }
        String failure = "attempt " + attempt + ": " + response;
        if (retries.exhaustedAfter(attempt)) {
            return new DeliveryOutcome.DeadLetter(attempt, failure);
        }
        return new DeliveryOutcome.Retry(attempt + 1, retries.delayAfter(attempt), failure);
    }

    private WebhookResponse call(Subscription subscription, InboundEvent event) {
        Optional<String> refusal = policy.refusal(subscription.webhookUrl());
        if (refusal.isPresent()) {
            return new WebhookResponse.Unanswered("not called: " + refusal.get());
        }
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = Map.of(
                "Content-Type", CloudEventMessages.CONTENT_TYPE,
                "webhook-id", event.id(),
                "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature",
                WebhookSignature.sign(subscription.secret(), event.id(), timestamp, event.envelope()));
        return client.post(subscription.webhookUrl(), headers, event.envelope());
    }
}
