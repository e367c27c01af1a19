package com.distpatterns.platform.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A CloudEvents 1.0 event as the suite carries it: the required attributes, {@code time}, and the data as the
 * exact JSON text the producer gave (never re-encoded).
 *
 * @param id unique per source; receivers de-duplicate by it
 * @param source where the event comes from, a URI reference such as {@code /task-service}
 * @param type the event type, also the AMQP routing key, such as {@code task.succeeded}
 * @param time when it happened
 * @param data the payload as JSON text ({@code datacontenttype} is always {@code application/json})
 */
public record CloudEvent(String id, String source, String type, Instant time, String data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String DATA_CONTENT_TYPE = "application/json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }
}
