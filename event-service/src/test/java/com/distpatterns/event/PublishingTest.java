package com.distpatterns.event;

import static com.distpatterns.event.testing.EventServiceClient.JSON;
import static com.distpatterns.event.testing.EventServiceClient.body;
import static com.distpatterns.event.testing.EventServiceClient.problem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class PublishingTest extends EventServiceTestBase {

    @Autowired
    AmqpAdmin admin;

    @Autowired
    RabbitTemplate rabbit;

    @Test
    void aPublishedEventIsACloudEventThatAPlainAmqpConsumerReads() throws Exception {
        // Not exclusive: the template reads on its own connection, as a separate consumer program would.
        String tap = admin.declareQueue(new Queue("test.tap." + NAMES.run(), false, false, false));
        admin.declareBinding(new Binding(tap, Binding.DestinationType.QUEUE, NAMES.exchange(), "user.#", null));
        String data = "{\"name\": \"Ada\",\n  \"scores\": [1, 2.50, 1e3], \"city\": \"Zürich\"}";

        JsonNode accepted = body(client.publish("user.created", data), 202);

        Message message = rabbit.receive(tap, 30_000);
        admin.deleteQueue(tap);
        assertThat(message).isNotNull();
        assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo("user.created");
        assertThat(message.getMessageProperties().getContentType()).isEqualTo("application/cloudevents+json");
        assertThat(message.getMessageProperties().getMessageId()).isEqualTo(accepted.get("id").asString());
        assertThat(message.getMessageProperties().<Object>getHeader("cloudEvents:type").toString())
                .isEqualTo("user.created");
        String envelope = new String(message.getBody(), StandardCharsets.UTF_8);
        JsonNode event = JSON.readTree(envelope);
        assertThat(event.get("specversion").asString()).isEqualTo("1.0");
        assertThat(event.get("id").asString()).isEqualTo(accepted.get("id").asString());
        assertThat(event.get("type").asString()).isEqualTo("user.created");
        assertThat(event.get("source").asString()).isEqualTo("/event-service");
        assertThat(event.get("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(Instant.parse(event.get("time").asString()))
                .isEqualTo(Instant.parse(accepted.get("time").asString()));
        // The data is the client's JSON text byte for byte: spacing, line break, number spelling and all.
        assertThat(envelope).contains("\"data\":" + data);
    }

    @Test
    void anyJsonValueIsEventData() throws Exception {
        for (String data : new String[] {"42", "\"text\"", "null", "[]", "true", " {\"a\":{}} "}) {
            assertThat(client.publish("misc.value", data).statusCode()).as(data).isEqualTo(202);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"User.Created", "user..created", ".user", "user.", "user created", "user.*", "user.#"})
    void aBadTypeIs400(String type) throws Exception {
        String path = "/api/events/" + java.net.URLEncoder.encode(type, StandardCharsets.UTF_8).replace("+", "%20");
        problem(client.call("POST", path, "{}"), 400, "invalid-event-type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{bad", "{\"a\":1} {\"b\":2}", "{\"a\":1}}", "undefined", "'single'"})
    void aBodyThatIsNotOneJsonValueIs400(String data) throws Exception {
        problem(client.publish("user.created", data), 400, "invalid-json");
    }

    @Test
    void aBodyThatIsNotUtf8Is400() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(client.uri("/api/events/user.created"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}))
                .build();
        problem(client.http().send(request, HttpResponse.BodyHandlers.ofString()), 400, "invalid-json");
    }

    @Test
    void aBodyOver1MiBIs413AndOneOfExactly1MiBIsAccepted() throws Exception {
        String exactly = "\"" + "x".repeat(1024 * 1024 - 2) + "\"";
        assertThat(client.publish("big.event", exactly).statusCode()).isEqualTo(202);
        problem(client.publish("big.event", "\"" + "x".repeat(1024 * 1024 - 1) + "\""), 413, "payload-too-large");
    }

    @Test
    void aBadPatternIs400() throws Exception {
        for (String pattern : new String[] {"user.**", "user..x", "User.*", "a b", "user.#x"}) {
            String query = java.net.URLEncoder.encode(pattern, StandardCharsets.UTF_8);
            problem(client.call("GET", "/api/events/stream?pattern=" + query, null), 400, "invalid-pattern");
        }
    }
}
