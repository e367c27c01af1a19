package com.distpatterns.client.spring.events;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code distpatterns.events.*}: how {@code @SuiteEventListener} methods are fed.
 *
 * @param callbackUrl the URL event-service POSTs a durable subscription's events to, up to the webhook path
 *     (e.g. {@code https://orders.example.com}); the subscription's name is appended as
 *     {@code <callback-url><webhook-path>/<name>}. Empty: {@code http://127.0.0.1:<local server port><context path>},
 *     which suits a suite on the same host whose allow-list has 127.0.0.1 (its {@code local} profile). Its host must
 *     be on event-service's {@code events.webhooks.allowed-hosts}.
 * @param webhookPath where this application serves the webhook (a servlet), under its context path
 * @param secretsDir where the signing secret of a subscription this application created is kept (file
 *     {@code <name>.secret}, owner-only), since event-service shows it only when the subscription is created
 * @param secrets secrets given by configuration instead, by subscription name (for a subscription created elsewhere,
 *     or an application whose disk does not survive restarts)
 * @param signatureTolerance how far a delivery's {@code webhook-timestamp} may be from now
 * @param remembered event ids remembered per subscription to skip a redelivered event
 */
@ConfigurationProperties("distpatterns.events")
public record EventsProperties(
        URI callbackUrl,
        @DefaultValue("/distpatterns/events") String webhookPath,
        String secretsDir,
        Map<String, String> secrets,
        @DefaultValue("5m") Duration signatureTolerance,
        @DefaultValue("10000") int remembered) {

    public EventsProperties {
        if (!webhookPath.startsWith("/") || webhookPath.endsWith("/") || webhookPath.contains("*")) {
            throw new IllegalArgumentException(
                    "distpatterns.events.webhook-path must start with / and not end with one, was "
                            + webhookPath);
        }
        secretsDir = secretsDir == null || secretsDir.isBlank()
                ? Path.of(System.getProperty("user.home"), ".distpatterns", "webhook-secrets").toString()
                : secretsDir;
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        if (remembered < 0) {
            throw new IllegalArgumentException("distpatterns.events.remembered must be >= 0");
        }
    }
}
