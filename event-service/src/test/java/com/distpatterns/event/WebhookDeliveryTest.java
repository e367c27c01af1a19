package com.distpatterns.event;

import static com.distpatterns.event.testing.EventServiceClient.JSON;
import static com.distpatterns.event.testing.EventServiceClient.body;
import static com.distpatterns.event.testing.EventServiceClient.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.event.testing.WebhookReceiver;
import com.distpatterns.event.testing.WebhookReceiver.Request;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class WebhookDeliveryTest extends EventServiceTestBase {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    AmqpAdmin admin;

    @Test
    void aReceiverFailingTwiceGetsTheEventOnTheThirdAttemptWithAValidSignature() throws Exception {
        String name = "flaky-" + UUID.randomUUID();
        String topic = "flaky" + shortId();
        try (WebhookReceiver receiver = WebhookReceiver.answering((request, attempt) -> attempt <= 2 ? 503 : 204)) {
            JsonNode created = body(client.putSubscription(name, topic + ".#", receiver.url("/hook")), 201);
            String secret = created.get("secret").asString();
            assertThat(secret).startsWith("whsec_");
            try {
                String id = client.published(topic + ".created", "{\"order\": 7}");

                await().atMost(WAIT).until(() -> receiver.accepted().size() == 1);
                List<Request> attempts = receiver.received();
                assertThat(attempts).hasSize(3);
                assertThat(attempts).allSatisfy(request -> {
                    assertThat(request.header("webhook-id")).isEqualTo(id);
                    assertThat(request.header("Content-Type")).isEqualTo("application/cloudevents+json");
                    assertThat(request.header("webhook-signature")).isEqualTo(signature(secret, request));
                });
                Request delivered = receiver.accepted().getFirst();
                long timestamp = Long.parseLong(delivered.header("webhook-timestamp"));
                assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp)).isLessThan(300);
                JsonNode event = JSON.readTree(delivered.body());
                assertThat(event.get("id").asString()).isEqualTo(id);
                assertThat(event.get("type").asString()).isEqualTo(topic + ".created");
                assertThat(event.get("data").get("order").asInt()).isEqualTo(7);

                await().atMost(WAIT).untilAsserted(() -> {
                    JsonNode status = client.subscription(name);
                    assertThat(status.get("delivered").asLong()).isEqualTo(1);
                    assertThat(status.get("pending").asLong()).isZero();
                    assertThat(status.get("deadLettered").asLong()).isZero();
                    assertThat(status.has("secret")).isFalse();
                    assertThat(status.get("lastError").get("error").asString()).as("the last failed attempt")
                            .contains("503");
                    assertThat(java.time.Instant.parse(status.get("lastError").get("at").asString()))
                            .isBefore(java.time.Instant.now().plusSeconds(1));
                });
            } finally {
                client.call("DELETE", "/api/subscriptions/" + name, null);
            }
        }
    }

    @Test
    void aReceiverThatAlwaysFailsFillsItsDeadLetterQueueWithoutSlowingOtherSubscriptions() throws Exception {
        String failingName = "failing-" + UUID.randomUUID();
        String healthyName = "healthy-" + UUID.randomUUID();
        String topic = "jobs" + shortId();
        CountDownLatch release = new CountDownLatch(1);
        // The failing receiver holds every request until released, then answers 500: a webhook that hangs, then errs.
        try (WebhookReceiver failing = WebhookReceiver.answering((request, attempt) -> {
            release.await();
            return 500;
        });
                WebhookReceiver healthy = WebhookReceiver.accepting()) {
            body(client.putSubscription(failingName, topic + ".#", failing.url("/hook")), 201);
            body(client.putSubscription(healthyName, topic + ".#", healthy.url("/hook")), 201);
            try {
                List<String> ids = new ArrayList<>();
                ids.add(client.published(topic + ".started", "{\"n\":0}"));
                await().atMost(WAIT).until(() -> !failing.received().isEmpty());
                for (int n = 1; n <= 20; n++) {
                    ids.add(client.published(topic + ".progress", "{\"n\":" + n + "}"));
                }

                // Every event reached the healthy webhook while the failing one had not answered a single request.
                await().atMost(WAIT).until(() -> healthy.accepted().size() == ids.size());
                assertThat(release.getCount()).isEqualTo(1);
                assertThat(healthy.accepted().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet()))
                        .isEqualTo(Set.copyOf(ids));

                release.countDown();
                await().atMost(WAIT).untilAsserted(() -> {
                    JsonNode status = client.subscription(failingName);
                    assertThat(status.get("deadLettered").asLong()).isEqualTo(ids.size());
                    assertThat(status.get("pending").asLong()).isZero();
                    assertThat(status.get("delivered").asLong()).isZero();
                });
                // Each event was tried the whole budget (3 attempts in the test deployment) before it was parked.
                assertThat(failing.received()).hasSize(3 * ids.size());
                assertThat(client.subscription(healthyName).get("delivered").asLong()).isEqualTo(ids.size());
                assertThat(client.subscription(healthyName).get("lastError").isNull()).as("never failed").isTrue();
                assertThat(client.subscription(failingName).get("lastError").get("error").asString()).contains("500");
            } finally {
                release.countDown();
                client.call("DELETE", "/api/subscriptions/" + failingName, null);
                client.call("DELETE", "/api/subscriptions/" + healthyName, null);
            }
        }
    }

    @Test
    void aRedirectIsAFailedAttemptNotFollowed() throws Exception {
        String name = "redirect-" + UUID.randomUUID();
        String topic = "moved" + shortId();
        try (WebhookReceiver receiver = WebhookReceiver
                .answering((request, attempt) -> request.path().equals("/redirected") ? 204 : 307)) {
            body(client.putSubscription(name, topic + ".*", receiver.url("/hook")), 201);
            try {
                client.published(topic + ".x", "{}");
                await().atMost(WAIT).until(() -> client.subscription(name).get("deadLettered").asLong() == 1);
                assertThat(receiver.received()).extracting(Request::path).containsOnly("/hook");
            } finally {
                client.call("DELETE", "/api/subscriptions/" + name, null);
            }
        }
    }

    @Test
    void aSubscriptionIsCreatedUpdatedReadAndDeletedWithItsQueues() throws Exception {
        String name = "crud-" + UUID.randomUUID();
        String topic = "crud" + shortId();
        try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
            var created = client.putSubscription(name, topic + ".old.*", receiver.url("/hook"));
            JsonNode first = body(created, 201);
            assertThat(created.headers().firstValue("Location")).hasValue("/api/subscriptions/" + name);
            assertThat(first.get("name").asString()).isEqualTo(name);
            assertThat(first.get("pattern").asString()).isEqualTo(topic + ".old.*");
            assertThat(first.get("webhookUrl").asString()).isEqualTo(receiver.url("/hook").toString());
            assertThat(first.get("secret").asString()).startsWith("whsec_");
            String queue = NAMES.subscriptionQueuePrefix() + name;
            assertThat(admin.getQueueInfo(queue)).isNotNull();

            JsonNode updated = body(client.putSubscription(name, topic + ".new.*", receiver.url("/other")), 200);
            assertThat(updated.has("secret")).isFalse();
            assertThat(updated.get("pattern").asString()).isEqualTo(topic + ".new.*");

            client.published(topic + ".old.x", "{}");
            String id = client.published(topic + ".new.x", "{}");
            await().atMost(WAIT).until(() -> receiver.accepted().size() == 1);
            client.published(topic + ".new.y", "{}");
            await().atMost(WAIT).until(() -> receiver.accepted().size() == 2);
            assertThat(receiver.accepted().getFirst().header("webhook-id")).isEqualTo(id);
            assertThat(receiver.accepted()).extracting(Request::path).containsOnly("/other");

            JsonNode read = client.subscription(name);
            assertThat(read.get("pattern").asString()).isEqualTo(topic + ".new.*");
            assertThat(read.has("secret")).isFalse();

            List<String> listed = new java.util.ArrayList<>();
            String cursor = "";
            do {
                JsonNode page = body(client.call("GET", "/api/subscriptions?limit=2&cursor=" + cursor, null), 200);
                assertThat(page.get("subscriptions").size()).isBetween(0, 2);
                for (JsonNode each : page.get("subscriptions")) {
                    listed.add(each.get("name").asString());
                    assertThat(each.has("secret")).isFalse();
                    if (each.get("name").asString().equals(name)) {
                        assertThat(each.get("pattern").asString()).isEqualTo(topic + ".new.*");
                    }
                }
                cursor = page.get("next").isNull() ? null : page.get("next").asString();
            } while (cursor != null);
            assertThat(listed).contains(name).isSorted().doesNotHaveDuplicates();
            problem(client.call("GET", "/api/subscriptions?limit=0", null), 400, "invalid-limit");
            problem(client.call("GET", "/api/subscriptions?limit=x", null), 400, "invalid-limit");
            problem(client.call("GET", "/api/subscriptions?cursor=_bad", null), 400, "invalid-subscription-name");

            assertThat(client.call("DELETE", "/api/subscriptions/" + name, null).statusCode()).isEqualTo(204);
            problem(client.call("GET", "/api/subscriptions/" + name, null), 404, "unknown-subscription");
            problem(client.call("DELETE", "/api/subscriptions/" + name, null), 404, "unknown-subscription");
            assertThat(admin.getQueueInfo(queue)).isNull();
            assertThat(admin.getQueueInfo(queue + ".dlq")).isNull();
        }
    }

    @Test
    void aWebhookOffTheAllowListOrIntoPrivateNetworksIsRefused() throws Exception {
        for (String url : new String[] {"http://10.0.0.7/hook", "http://localhost/hook", "http://127.0.0.2/hook",
                "http://[::1]/hook", "http://127.0.0.1@example.com/hook", "ftp://127.0.0.1/hook", "file:///etc/passwd",
                "http://169.254.169.254/latest/meta-data", "/relative", "http://127.0.0.1:80/a#frag", "not a url"}) {
            var answer = client.call("PUT", "/api/subscriptions/ssrf-" + shortId(),
                    JSON.writeValueAsString(java.util.Map.of("pattern", "a.#", "webhookUrl", url)));
            problem(answer, 400, "webhook-not-allowed");
        }
    }

    @Test
    void badSubscriptionInputIs400() throws Exception {
        URI ok = URI.create("http://127.0.0.1:9/hook");
        problem(client.putSubscription("_bad", "a.#", ok), 400, "invalid-subscription-name");
        problem(client.putSubscription("x".repeat(65), "a.#", ok), 400, "invalid-subscription-name");
        problem(client.putSubscription("fine", "a.**", ok), 400, "invalid-pattern");
        problem(client.call("PUT", "/api/subscriptions/fine", "{\"webhookUrl\":\"http://127.0.0.1/\"}"), 400,
                "invalid-pattern");
        problem(client.call("PUT", "/api/subscriptions/fine", "{\"pattern\":\"a.#\"}"), 400, "webhook-not-allowed");
        problem(client.call("PUT", "/api/subscriptions/fine", "not json"), 400, null);
    }

    /** The Standard Webhooks signature, computed the way a receiver verifies it. */
    static String signature(String secret, Request request) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((request.header("webhook-id") + "." + request.header("webhook-timestamp") + ".")
                .getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(request.body()));
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
