package com.distpatterns.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CloudEventMessagesTest {

    final JsonMapper json = JsonMapper.builder().build();
    final CloudEventMessages messages = new CloudEventMessages(json);
    final CloudEvent event = new CloudEvent("e-1", "/task-service", "task.succeeded",
            Instant.parse("2026-11-25T10:15:30.123Z"), "{\"id\":\"t-1\",\"result\":[1, 2.50, \"é\"]}");

    @Test
    void theBodyIsAStructuredCloudEventAnyConsumerCanRead() {
        Message message = messages.toMessage(event);
        JsonNode body = json.readTree(message.getBody());
        assertThat(body.get("specversion").asString()).isEqualTo("1.0");
        assertThat(body.get("id").asString()).isEqualTo("e-1");
        assertThat(body.get("source").asString()).isEqualTo("/task-service");
        assertThat(body.get("type").asString()).isEqualTo("task.succeeded");
        assertThat(body.get("time").asString()).isEqualTo("2026-11-25T10:15:30.123Z");
        assertThat(body.get("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(body.get("data").get("result").get(2).asString()).isEqualTo("é");
        assertThat(message.getMessageProperties().getContentType()).isEqualTo("application/cloudevents+json");
        assertThat((String) message.getMessageProperties().getHeader("cloudEvents:type")).isEqualTo("task.succeeded");
        assertThat(message.getMessageProperties().getMessageId()).isEqualTo("e-1");
    }

    @Test
    void theDataComesBackAsTheProducersOwnJsonText() {
        String body = new String(messages.envelope(event), StandardCharsets.UTF_8);
        assertThat(body).contains("\"data\":{\"id\":\"t-1\",\"result\":[1, 2.50, \"é\"]}");
        CloudEvent read = messages.fromMessage(messages.toMessage(event));
        assertThat(read.id()).isEqualTo(event.id());
        assertThat(read.time()).isEqualTo(event.time());
        assertThat(json.readTree(read.data())).isEqualTo(json.readTree(event.data()));
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> messages.fromEnvelope("{\"hello\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> messages.fromEnvelope("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
