package com.distpatterns.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * CloudEvents over AMQP 0-9-1 as the suite does it: structured content mode (the body is the whole event as
 * {@code application/cloudevents+json}, readable by any consumer), with the attributes repeated as
 * {@code cloudEvents:*} headers in the style of the CloudEvents AMQP binding, so a consumer can filter without
 * parsing the body. Routing key: the event type. Exchange: {@code events}, a durable topic exchange.
 */
public final class CloudEventMessages {

    /** The topic exchange every event of the suite is published to. */
    public static final String EXCHANGE = "events";
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    public static final String HEADER_PREFIX = "cloudEvents:";

    private final JsonMapper json;

    public CloudEventMessages(JsonMapper json) {
        this.json = json;
    }

    /** The JSON envelope: {@code id, source, specversion, type, time, datacontenttype, data}. */
    public byte[] envelope(CloudEvent event) {
        return json.writer().writeValueAsBytes(new Envelope(event));
    }

    public Message toMessage(CloudEvent event) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(CONTENT_TYPE);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(event.id());
        properties.setType(event.type());
        properties.setTimestamp(Date.from(event.time()));
        properties.setHeader(HEADER_PREFIX + "id", event.id());
        properties.setHeader(HEADER_PREFIX + "source", event.source());
        properties.setHeader(HEADER_PREFIX + "specversion", CloudEvent.SPEC_VERSION);
        properties.setHeader(HEADER_PREFIX + "type", event.type());
        properties.setHeader(HEADER_PREFIX + "time", event.time().toString());
        properties.setHeader(HEADER_PREFIX + "datacontenttype", CloudEvent.DATA_CONTENT_TYPE);
        return new Message(envelope(event), properties);
    }

    /** Reads an event published in the suite's format; fails with {@link IllegalArgumentException} otherwise. */
    public CloudEvent fromMessage(Message message) {
        return fromEnvelope(message.getBody());
    }

    public CloudEvent fromEnvelope(byte[] body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a CloudEvents JSON envelope", e);
        }
        if (node == null || !node.isObject() || !CloudEvent.SPEC_VERSION.equals(text(node, "specversion"))) {
            throw new IllegalArgumentException("Not a CloudEvents 1.0 JSON envelope");
        }
        JsonNode data = node.get("data");
        return new CloudEvent(text(node, "id"), text(node, "source"), text(node, "type"),
                Instant.parse(text(node, "time")), data == null ? "null" : data.toString());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("CloudEvent attribute '" + field + "' is missing");
        }
        return value.asString();
    }

    /** Writes the envelope field by field so that {@code data} goes out as the producer's own JSON text. */
    private record Envelope(CloudEvent event) implements tools.jackson.databind.JacksonSerializable {
        @Override
        public void serialize(JsonGenerator gen, tools.jackson.databind.SerializationContext context) {
            gen.writeStartObject();
            gen.writeStringProperty("id", event.id());
            gen.writeStringProperty("source", event.source());
            gen.writeStringProperty("specversion", CloudEvent.SPEC_VERSION);
            gen.writeStringProperty("type", event.type());
            gen.writeStringProperty("time", event.time().toString());
            gen.writeStringProperty("datacontenttype", CloudEvent.DATA_CONTENT_TYPE);
            gen.writeName("data");
            gen.writeRawValue(event.data());
            gen.writeEndObject();
        }

        @Override
        public void serializeWithType(JsonGenerator gen, tools.jackson.databind.SerializationContext context,
                tools.jackson.databind.jsontype.TypeSerializer typeSerializer) {
            serialize(gen, context);
        }
    }
}
