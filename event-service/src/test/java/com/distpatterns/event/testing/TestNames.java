package com.distpatterns.event.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Names of everything a test deployment of the service creates on the shared broker and Redis, unique per run so
 * that other engineers' events never reach our assertions and ours never reach theirs.
 */
public record TestNames(String run) {

    public static TestNames unique() {
        return new TestNames(UUID.randomUUID().toString().substring(0, 8));
    }

    public String exchange() {
        return "test.events." + run;
    }

    public String subscriptionQueuePrefix() {
        return "test.subscription." + run + ".";
    }

    public String keyPrefix() {
        return "{test-events-" + run + "}:";
    }

    /** Settings that give a test deployment its own names and short timings, so tests count rather than wait. */
    public Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("events.exchange", exchange());
        properties.put("events.stream.queue-prefix", "test.stream." + run + ".");
        properties.put("events.stream.heartbeat", "1s");
        properties.put("events.stream.buffer-events", "50");
        properties.put("events.stream.buffer-size", "512KB");
        properties.put("events.stream.prefetch", "10");
        properties.put("events.subscriptions.queue-prefix", subscriptionQueuePrefix());
        properties.put("events.subscriptions.key-prefix", keyPrefix());
        properties.put("events.subscriptions.reconcile-interval", "500ms");
        properties.put("events.webhooks.allowed-hosts", "127.0.0.1");
        properties.put("events.webhooks.request-timeout", "60s");
        properties.put("events.webhooks.retry.max-attempts", "3");
        properties.put("events.webhooks.retry.initial-delay", "200ms");
        properties.put("events.webhooks.retry.multiplier", "2");
        properties.put("events.webhooks.retry.max-delay", "1s");
        return properties;
    }
}
