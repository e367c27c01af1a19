package com.distpatterns.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.event.testing.WebhookReceiver;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * One trace from a publish to the webhook: an event published in a trace (a {@code traceparent} as the gateway
 * passes it on, or as task-service's events carry it) reaches the subscriber's webhook with the same trace id,
 * through RabbitMQ, on the first attempt and on a retry.
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
        HttpResponse<String> published = client.http().send(HttpRequest.newBuilder(client.uri("/api/events/" + topic + ".done"))
            .header("Content-Type", "application/json")
            .header("traceparent", traceparent)
            .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.accepted().size() == 1);
        assertThat(receiver.received()).hasSize(2).allSatisfy(request ->
            assertThat(request.header("traceparent")).as("the webhook request's traceparent")
                .startsWith("00-" + traceId + "-"));
      } finally {
        client.call("DELETE", "/api/subscriptions/" + name, null);
      }
    }
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
