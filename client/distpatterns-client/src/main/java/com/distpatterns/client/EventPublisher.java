package com.distpatterns.client;

import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Publishes events through event-service ({@code POST /api/events/{type}}). {@link #publish} returns once the suite
 * confirmed the event: event-service answers only after RabbitMQ's publisher confirm, so the event is then in every
 * durable queue (subscription) it matches.
 */
public final class EventPublisher {

    private static final Pattern TYPE = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");

    /** What the suite confirmed: the event's id (receivers de-duplicate by it), type and time. */
    public record Published(String id, String type, Instant time) {}

    private final Transport transport;

    EventPublisher(Transport transport) {
        this.transport = transport;
    }

    /**
     * Publishes {@code payload} (any value Jackson writes; a {@code byte[]} is sent as the JSON it holds) as the data
     * of an event of {@code type}.
     *
     * <p>Retried only when the suite certainly did not take it (no connection, 429, 502, the broker unreachable): a
     * publish the suite may have taken (a timeout, a 504, {@code /problems/publish-not-confirmed}) is not repeated,
     * since a repeat would be a second event with another id; it surfaces as a {@link SuiteUnreachableException} or
     * a {@link ProblemException.UnavailableException}, the event possibly published.
     *
     * @throws IllegalArgumentException for a type that is not {@code [a-z0-9_-]+(\.[a-z0-9_-]+)*}
     * @throws ProblemException.InvalidRequestException 400 data that is not JSON, 413 data over 1 MiB
     */
    public Published publish(String type, Object payload) {
        if (type == null || type.length() > 255 || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException(
                    "an event type is [a-z0-9_-]+(\\.[a-z0-9_-]+)*, at most 255 characters, was '"
                            + type + "'");
        }
        Object body = payload == null ? "null".getBytes(java.nio.charset.StandardCharsets.UTF_8) : payload;
        Transport.Response answer = transport.sendUninterruptibly(
                new Call("POST", "/api/events/" + type, body, null, Repeat.ONLY_IF_NOT_SENT));
        return transport.read(transport.expect(answer, 202), Published.class);
    }
}
