package com.distpatterns.client.spring.events;

import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.EventSubscriptions.Subscription;
import com.distpatterns.client.SuiteEvent;
import com.distpatterns.client.WebhookVerifier;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The durable {@code @SuiteEventListener}s: each one's subscription at event-service, made to point at this
 * application's webhook once the application is ready, and the state the webhook needs to accept a delivery (the
 * secret's verifier, the event ids handled recently).
 */
final class DurableListeners {

    private static final Log log = LogFactory.getLog(DurableListeners.class);

    /** One subscription's receiving end. */
    static final class Endpoint {
        private final ListenerMethod method;
        private final Set<String> handled;
        private volatile WebhookVerifier verifier;
        private volatile boolean rejectionLogged;

        Endpoint(ListenerMethod method, int remembered) {
            this.method = method;
            // The ids handled last, oldest evicted first: a redelivery (event-service is at least once) is skipped.
            this.handled = Collections
                    .synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<String, Boolean>(16, 0.75f, false) {
                        private static final long serialVersionUID = 1L;

                        @Override
                        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                            return size() > remembered;
                        }
                    }));
        }

        /** Whether this endpoint knows its secret yet (from an earlier start, or from registering). */
        boolean ready() {
            return verifier != null;
        }

        /** False for any delivery not signed with the subscription's secret. */
        boolean verify(String id, String timestamp, String signature, byte[] body) {
            WebhookVerifier current = verifier;
            return current != null && current.verify(id, timestamp, signature, body);
        }

        void rejected() {
            if (!rejectionLogged) {
                rejectionLogged = true;
                log.warn("Durable listener " + describe() + " refused a delivery with a bad signature (401); if the "
                        + "subscription was re-created elsewhere, configure its secret (distpatterns.events.secrets."
                        + method.subscription() + ")");
            }
        }

        /** Calls the method unless this event was handled already; throws what the method threw. */
        void deliver(String id, SuiteEvent event) {
            if (handled.contains(id)) {
                return;
            }
            method.invoke(event);
            handled.add(id);
        }

        String describe() {
            return method.describe();
        }
    }

    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final EventsProperties properties;
    private final SubscriptionSecrets secrets;

    DurableListeners(EventsProperties properties) {
        this.properties = properties;
        this.secrets = new SubscriptionSecrets(java.nio.file.Path.of(properties.secretsDir()), properties.secrets());
    }

    void add(ListenerMethod method) {
        Endpoint endpoint = new Endpoint(method, properties.remembered());
        Endpoint previous = endpoints.putIfAbsent(method.subscription(), endpoint);
        if (previous != null) {
            throw new IllegalStateException(
                    "subscription '" + method.subscription() + "' has two @SuiteEventListener methods: "
                            + previous.describe() + " and " + method.describe() + "; one method per subscription");
        }
        // A restarted application accepts the deliveries waiting for it as soon as its server listens, before it has
        // re-registered the subscription: the secret it kept is the subscription's.
        secrets.find(method.subscription()).ifPresent(secret -> endpoint.verifier = verifier(secret));
    }

    private WebhookVerifier verifier(String secret) {
        return new WebhookVerifier(secret, properties.signatureTolerance(), Clock.systemUTC());
    }

    boolean isEmpty() {
        return endpoints.isEmpty();
    }

    Endpoint endpoint(String subscription) {
        return endpoints.get(subscription);
    }

    /**
     * Creates or updates every subscription to deliver to {@code base + webhook-path + "/" + name}, and arms its
     * verifier. A created subscription's secret is kept for the next start; an existing one's must be known.
     */
    void register(DistpatternsClient client, URI base) {
        String root = base.toString().replaceAll("/+$", "") + properties.webhookPath() + "/";
        endpoints.forEach((name, endpoint) -> {
            String webhook = root + name;
            Subscription subscription = client.subscriptions().put(name, endpoint.method.pattern(), webhook);
            String secret;
            if (subscription.secret() != null) {
                secrets.store(name, subscription.secret());
                secret = subscription.secret();
                log.info("Durable listener " + endpoint.describe() + ": subscription created, pattern "
                        + subscription.pattern() + ", webhook " + webhook + " (secret kept in " + secrets.file(name)
                        + ")");
            } else {
                secret = secrets.find(name).orElseThrow(() -> new IllegalStateException("subscription '" + name
                        + "' exists at event-service but this application does not know its signing secret (shown only when "
                        + "it was created): set distpatterns.events.secrets." + name + ", or delete the subscription "
                        + "(DELETE /api/subscriptions/" + name + ", its waiting events go with it)"));
                log.info("Durable listener " + endpoint.describe() + ": subscription resumed, pattern "
                        + subscription.pattern() + ", webhook " + webhook + ", " + subscription.pending()
                        + " event(s) waiting");
            }
            endpoint.verifier = verifier(secret);
        });
    }
}
