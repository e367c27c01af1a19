package com.distpatterns.event;

import static com.distpatterns.event.testing.EventServiceClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.event.testing.SseClient;
import com.distpatterns.event.testing.SseClient.SseEvent;
import com.distpatterns.event.testing.WebhookReceiver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One trace from a publish to the webhook: an event published in a trace (a {@code traceparent} as the gateway
 * passes it on, or as task-service's events carry it) reaches the subscriber's webhook with the same trace id,
 * through RabbitMQ, on the first attempt and on a retry; a live stream client gets it with that trace's
 * {@code traceparent} in the envelope (the CloudEvents Distributed Tracing extension).
 */
class TraceContinuityTest extends EventServiceTestBase {

    @Test
    void anEventPublishedInATraceReachesTheWebhookInThatTraceAlsoWhenRetried() throws Exception {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";
        String name = "traced-" + UUID.randomUUID();
        String topic = "traced" + UUID.randomUUID().toString().substring(0, 8);
        try (WebhookReceiver receiver = WebhookReceiver.answering((request, attempt) -> attempt == 1 ? 503 : 204)) {
            assertThat(client.putSubscription(name, topic + ".#", receiver.url("/hook")).statusCode()).isEqualTo(201);
            try {
                HttpResponse<String> published = client.http()
                        .send(HttpRequest.newBuilder(client.uri("/api/events/" + topic + ".done"))
                                .header("Content-Type", "application/json")
                                .header("traceparent", traceparent)
                                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(published.statusCode()).as(published.body()).isEqualTo(202);

                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.accepted().size() == 1);
                assertThat(receiver.received()).hasSize(2)
                        .allSatisfy(request -> assertThat(request.header("traceparent"))
                                .as("the webhook request's traceparent")
                                .startsWith("00-" + traceId + "-"));
            } finally {
                client.call("DELETE", "/api/subscriptions/" + name, null);
            }
        }
    }

    @Test
    void anEventPublishedInATraceReachesALiveStreamWithThatTraceInItsEnvelope() throws Exception {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        String topic = "traced" + UUID.randomUUID().toString().substring(0, 8);
        try (SseClient stream = SseClient.open(client.http(), client.uri("/api/events/stream?pattern="
                + URLEncoder.encode(topic + ".#", StandardCharsets.UTF_8)))) {
            HttpResponse<String> published = client.http().send(
                    HttpRequest.newBuilder(client.uri("/api/events/" + topic + ".done"))
                            .header("Content-Type", "application/json")
                            .header("traceparent",
                                    "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(published.statusCode()).as(published.body()).isEqualTo(202);

            SseEvent event = stream.next(Duration.ofSeconds(60));
            assertThat(event).as("the live event").isNotNull();
            JsonNode envelope = JSON.readTree(event.data());
            assertThat(envelope.path("traceparent").asString()).as("the envelope's traceparent")
                    .startsWith("00-" + traceId + "-");
            assertThat(envelope.get("data").get("n").asInt()).isEqualTo(1);
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
