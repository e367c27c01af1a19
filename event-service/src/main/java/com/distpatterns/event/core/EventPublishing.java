package com.distpatterns.event.core;

import com.distpatterns.platform.events.CloudEvent;
import java.time.Clock;
import java.time.Instant;

/** Turns a client's JSON into a CloudEvent of this service and publishes it. */
public final class EventPublishing {

    private final EventPublisher publisher;
    private final String source;
    private final Clock clock;

    public EventPublishing(EventPublisher publisher, String source, Clock clock) {
        this.publisher = publisher;
        this.source = source;
        this.clock = clock;
    }

    /**
     * @param type the event type and routing key
     * @param data JSON text, already checked to be one JSON value; it is carried as it is, never re-encoded
     */
    public PublishedEvent publish(EventType type, String data) {
        Instant now = clock.instant();
        CloudEvent event = new CloudEvent(EventIds.next(now), source, type.value(), now, data);
        publisher.publish(event);
        return new PublishedEvent(event.id(), event.type(), event.time());
    }
}
