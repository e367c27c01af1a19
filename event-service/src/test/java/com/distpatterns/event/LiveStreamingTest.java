package com.distpatterns.event;

import static com.distpatterns.event.testing.EventServiceClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.event.testing.SseClient;
import com.distpatterns.event.testing.SseClient.SseEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LiveStreamingTest extends EventServiceTestBase {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void eachClientGetsExactlyTheEventsItsPatternMatchesInPublishOrder() throws Exception {
        try (SseClient oneWord = stream("user.*");
                SseClient anyWords = stream("user.#");
                SseClient orders = stream("order.*")) {
            Map<String, String> ids = new java.util.LinkedHashMap<>();
            for (String type : List.of("user.created", "user.a.b", "order.placed", "user.deleted", "user", "orders.x",
                    "order.placed.late", "user.updated")) {
                ids.put(type, client.published(type, "{\"type\":\"" + type + "\"}"));
            }
            // One last event per pattern: everything a client gets before it is everything it will get.
            client.published("user.end", "{}");
            client.published("order.end", "{}");

            assertThat(types(oneWord.until("user.end", WAIT)))
                    .containsExactly("user.created", "user.deleted", "user.updated", "user.end");
            assertThat(types(anyWords.until("user.end", WAIT)))
                    .containsExactly("user.created", "user.a.b", "user.deleted", "user", "user.updated", "user.end");
            assertThat(types(orders.until("order.end", WAIT)))
                    .containsExactly("order.placed", "order.end");
        }
    }

    @Test
    void anEventArrivesWithItsIdTypeAndCloudEventEnvelopeEvenWhenItsJsonSpansLines() throws Exception {
        try (SseClient stream = stream("profile.#")) {
            String data = "{\n  \"name\": \"Grace\",\r\n  \"tags\": [\"a\",\n \"b\"]\n}";
            String id = client.published("profile.changed", data);

            SseEvent event = stream.next(WAIT);
            assertThat(event).isNotNull();
            assertThat(event.id()).isEqualTo(id);
            assertThat(event.event()).isEqualTo("profile.changed");
            JsonNode envelope = JSON.readTree(event.data());
            assertThat(envelope.get("specversion").asString()).isEqualTo("1.0");
            assertThat(envelope.get("id").asString()).isEqualTo(id);
            assertThat(envelope.get("type").asString()).isEqualTo("profile.changed");
            assertThat(envelope.get("data")).isEqualTo(JSON.readTree(data));
        }
    }

    @Test
    void anIdleStreamGetsHeartbeatsAndAClosedOneIsReleased() throws Exception {
        // Streams other tests closed are gone at the service's next write to them.
        await().atMost(WAIT).until(() -> client.metric("events_stream_open") == 0);
        SseClient stream = stream("idle.#");
        // Heartbeats every second in the test deployment (15 s by default).
        await().atMost(WAIT).until(() -> stream.heartbeats() >= 2);
        assertThat(client.metric("events_stream_open")).isEqualTo(1);
        stream.close();
        // The service notices at its next write and drops the stream with its queue.
        await().atMost(WAIT).until(() -> client.metric("events_stream_open") == 0);
    }

    SseClient stream(String pattern) throws Exception {
        return SseClient.open(client.http(),
                client.uri("/api/events/stream?pattern=" + URLEncoder.encode(pattern, StandardCharsets.UTF_8)));
    }

    static List<String> types(List<SseEvent> events) {
        List<String> types = new ArrayList<>();
        events.forEach(event -> types.add(event.event()));
        return types;
    }
}
