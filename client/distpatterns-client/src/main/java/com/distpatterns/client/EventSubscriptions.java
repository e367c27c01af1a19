package com.distpatterns.client;

import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import java.util.Optional;

/**
 * Durable subscriptions of event-service ({@code /api/subscriptions/{name}}): a queue of their own whose events
 * are POSTed, signed, to a webhook and retried until it answers 2xx. The Spring Boot starter's
 * {@code @SuiteEventListener(subscription = ...)} uses these calls and serves the webhook itself.
 */
public final class EventSubscriptions {

    /**
     * A subscription as the service reports it.
     *
     * @param secret the signing secret ({@code whsec_...}), only in the answer that created the subscription
     */
    public record Subscription(String name, String pattern, String webhookUrl, long delivered, long pending,
            long deadLettered, String secret) {}

    private record Definition(String pattern, String webhookUrl) {}

    private final Transport transport;

    EventSubscriptions(Transport transport) {
        this.transport = transport;
    }

    /**
     * Creates the subscription (its {@code secret} is in the answer, this once) or points an existing one at this
     * pattern and webhook, keeping its secret and the events waiting in its queue (no {@code secret} then).
     *
     * @throws ProblemException.InvalidRequestException 400 for a bad name or pattern, or a webhook the service's
     *     allow-list does not permit ({@code /problems/webhook-not-allowed})
     */
    public Subscription put(String name, String pattern, String webhookUrl) {
        EventStream.checkPattern(pattern);
        Transport.Response answer = transport
                .sendUninterruptibly(new Call("PUT", "/api/subscriptions/" + Transport.segment(name),
                        new Definition(pattern, webhookUrl), null, Repeat.SAFE));
        return transport.read(transport.expect(answer, 200, 201), Subscription.class);
    }

    public Optional<Subscription> get(String name) {
        Transport.Response answer = transport
                .sendUninterruptibly(Call.get("/api/subscriptions/" + Transport.segment(name)));
        if (answer.is(404)) {
            return Optional.empty();
        }
        return Optional.of(transport.read(transport.expect(answer, 200), Subscription.class));
    }

    /** Deletes it with its queues and whatever waits in them; {@code false} when there was none. */
    public boolean delete(String name) {
        Transport.Response answer = transport.sendUninterruptibly(new Call("DELETE",
                "/api/subscriptions/" + Transport.segment(name), null, null, Repeat.SAFE));
        return transport.expect(answer, 204, 404).is(204);
    }
}
