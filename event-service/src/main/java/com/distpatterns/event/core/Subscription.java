package com.distpatterns.event.core;

import com.distpatterns.platform.outbound.WebhookSecret;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A durable subscription: every event matching {@code pattern} is POSTed to {@code webhookUrl}, signed with
 * {@code secret}.
 */
public record Subscription(
        SubscriptionName name, TopicPattern pattern, URI webhookUrl, WebhookSecret secret, Instant createdAt) {

    public Subscription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(webhookUrl, "webhookUrl");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The same subscription (name, secret) following a new pattern and webhook. */
    public Subscription redirectedTo(TopicPattern newPattern, URI newWebhookUrl) {
        return new Subscription(name, newPattern, newWebhookUrl, secret, createdAt);
    }
}
