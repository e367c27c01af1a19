package com.distpatterns.event.infra;

import com.distpatterns.platform.events.CloudEvent;
import com.distpatterns.platform.events.CloudEventMessages;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the id and type of a message on the exchange: from the AMQP properties when it is in the suite's format
 * (cheap), otherwise by reading the body as a CloudEvents JSON envelope. Anything else is not an event we forward.
 */
public final class EnvelopeReader {

    /** Ids and types go into HTTP and SSE headers: printable ASCII only, no spaces, bounded. */
    private static final Pattern SAFE = Pattern.compile("[\\x21-\\x7e]{1,256}");

    private final CloudEventMessages messages;

    public EnvelopeReader(CloudEventMessages messages) {
        this.messages = messages;
    }

    /** An event's identity. */
    public record Identity(String id, String type) {}

    public Optional<Identity> identify(String contentType, String messageId, String type, String routingKey,
            byte[] body) {
        Identity identity;
        if (CloudEventMessages.CONTENT_TYPE.equals(contentType) && messageId != null) {
            identity = new Identity(messageId, type != null ? type : routingKey);
        } else {
            try {
                CloudEvent event = messages.fromEnvelope(body);
                identity = new Identity(event.id(), event.type());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return SAFE.matcher(identity.id()).matches() && identity.type() != null
                && SAFE.matcher(identity.type()).matches()
                        ? Optional.of(identity)
                        : Optional.empty();
    }
}
