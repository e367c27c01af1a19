package com.distpatterns.client;

import java.lang.reflect.Type;
import java.time.Instant;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One event of the suite, as event-service carries it: the CloudEvents 1.0 envelope's attributes and its data.
 *
 * @param id the event's id (a UUID v7 for published events, {@code <task id>:<type>} for task events); the same on
 *     every delivery of the event, so receivers de-duplicate by it
 * @param type the event type, e.g. {@code user.created} (the AMQP routing key)
 * @param source who published it, e.g. {@code /event-service} or {@code /task-service}
 * @param time when it was published
 * @param data the publisher's JSON, as published
 */
public record SuiteEvent(String id, String type, String source, Instant time, JsonNode data) {

    /** Tree-to-value conversion only: no configuration of the application's own mapper matters for it. */
    private static final JsonMapper CONVERT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** The data as {@code type} (a record, a collection, ...). */
    public <T> T data(Class<T> type) {
        return CONVERT.treeToValue(data, type);
    }

    /** The data as a generic type, e.g. a method parameter's {@code List<Order>}. */
    public Object data(Type type) {
        return CONVERT.treeToValue(data, CONVERT.constructType(type));
    }

    /** Reads a CloudEvents envelope ({@code id, source, type, time, data}). */
    static SuiteEvent fromEnvelope(JsonNode envelope) {
        JsonNode time = envelope.get("time");
        JsonNode data = envelope.get("data");
        return new SuiteEvent(text(envelope, "id"), text(envelope, "type"), text(envelope, "source"),
                time == null || time.isNull() ? null : Instant.parse(time.asString()),
                data == null ? tools.jackson.databind.node.NullNode.getInstance() : data);
    }

    /** Reads an envelope from its JSON bytes. */
    public static SuiteEvent fromEnvelope(byte[] json) {
        return fromEnvelope(CONVERT.readTree(json));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
