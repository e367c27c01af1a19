package com.distpatterns.event;

import static com.distpatterns.event.testing.EventServiceClient.JSON;
import static com.distpatterns.event.testing.EventServiceClient.body;
import static com.distpatterns.event.testing.EventServiceClient.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.event.testing.EventServiceClient;
import com.distpatterns.event.testing.ServiceInstance;
import com.distpatterns.event.testing.SseClient.SseEvent;
import com.distpatterns.event.testing.SseClient;
import com.distpatterns.event.testing.TestNames;
import com.distpatterns.event.testing.WebhookReceiver;
import com.distpatterns.platform.events.CloudEvent;
import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.platform.test.Endpoint;
import com.distpatterns.platform.test.TcpProxy;
import com.distpatterns.platform.test.TestInfrastructure;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/** Subscriptions outlive the service's restarts and the broker's disappearances. */
class DurabilityTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void eventsPublishedWhileTheServiceIsDownAreDeliveredOnceItIsBack() throws Exception {
        TestNames names = TestNames.unique();
        try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
            ServiceInstance first = ServiceInstance.start(names, Map.of());
            EventServiceClient api = first.client();
            body(api.putSubscription("orders", "order.#", receiver.url("/hook")), 201);
            String before = api.published("order.placed", "{\"n\":1}");
            await().atMost(WAIT).until(() -> deliveredIds(receiver).contains(before));
            first.close();

            // Other services go on publishing to the exchange (task-service does) while this one is down.
            List<String> meanwhile = publishLikeAnotherService(names.exchange(), "order.shipped", 3);

            ServiceInstance second = ServiceInstance.start(names, Map.of());
            try {
                await().atMost(WAIT).until(() -> deliveredIds(receiver).containsAll(meanwhile));
                await().atMost(WAIT).untilAsserted(
                        () -> assertThat(second.client().subscription("orders").get("delivered").asLong())
                                .isEqualTo(4));
                assertThat(second.client().call("DELETE", "/api/subscriptions/orders", null).statusCode())
                        .isEqualTo(204);
            } finally {
                second.close(true);
            }
        }
    }

    @Test
    void afterLosingTheBrokerTheServiceReconnectsByItselfAndDeliversEveryAcceptedEvent() throws Exception {
        TestNames names = TestNames.unique();
        Endpoint rabbit = TestInfrastructure.rabbit();
        try (TcpProxy broker = new TcpProxy(rabbit.host(), rabbit.port());
                WebhookReceiver receiver = WebhookReceiver.accepting()) {
            ServiceInstance service = ServiceInstance.start(names, Map.of(
                    "spring.rabbitmq.host", "127.0.0.1",
                    "spring.rabbitmq.port", Integer.toString(broker.port()),
                    "spring.rabbitmq.connection-timeout", "2s",
                    "events.confirm-timeout", "2s"));
            try {
                EventServiceClient api = service.client();
                body(api.putSubscription("audit", "audit.#", receiver.url("/hook")), 201);
                List<String> accepted = new ArrayList<>();
                try (SseClient live = SseClient.open(api.http(), api.uri("/api/events/stream?pattern=audit.%23"))) {
                    for (int n = 0; n < 5; n++) {
                        accepted.add(api.published("audit.before", "{\"n\":" + n + "}"));
                    }
                    assertThat(live.until("audit.before", WAIT)).hasSize(1);

                    broker.cut();

                    // A live stream cannot replay what it missed: it ends, saying why, and the client reconnects.
                    SseEvent error = null;
                    for (SseEvent event; error == null && (event = live.next(WAIT)) != null;) {
                        error = event.event().equals("error") ? event : null;
                    }
                    assertThat(error).as("a final error event").isNotNull();
                    assertThat(JSON.readTree(error.data()).get("type").asString())
                            .isEqualTo("/problems/broker-unavailable");
                    await().atMost(WAIT).until(live::ended);
                }

                // While the broker is away nothing is accepted, and nothing hangs.
                for (int n = 0; n < 3; n++) {
                    HttpResponse<String> refused = api.publish("audit.during", "{}");
                    problem(refused, 503, null);
                    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                }

                broker.restore();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                    HttpResponse<String> answer = api.publish("audit.after", "{\"first\":true}");
                    if (answer.statusCode() == 202) {
                        accepted.add(JSON.readTree(answer.body()).get("id").asString());
                        return true;
                    }
                    return false;
                });
                for (int n = 0; n < 5; n++) {
                    accepted.add(api.published("audit.after", "{\"n\":" + n + "}"));
                }

                // Every event answered 202 reaches the durable subscription: the consumers reconnected by themselves.
                await().atMost(WAIT).until(() -> deliveredIds(receiver).containsAll(accepted));
                try (SseClient again = SseClient.open(api.http(), api.uri("/api/events/stream?pattern=audit.%23"))) {
                    String id = api.published("audit.live", "{}");
                    assertThat(again.until("audit.live", WAIT).getLast().id()).isEqualTo(id);
                }
                assertThat(api.call("DELETE", "/api/subscriptions/audit", null).statusCode()).isEqualTo(204);
            } finally {
                broker.restore();
                service.close(true);
            }
        }
    }

    /**
     * A RabbitMQ cluster's first node is down: the service uses the next address of {@code spring.rabbitmq.addresses}
     * for everything, the confirmed publisher included (whose client factory alone knows only the first address).
     */
    @Test
    void withTheFirstBrokerAddressDownTheServicePublishesAndDeliversThroughTheNext() throws Exception {
        TestNames names = TestNames.unique();
        Endpoint rabbit = TestInfrastructure.rabbit();
        try (TcpProxy downNode = new TcpProxy(rabbit.host(), rabbit.port(), false);
                WebhookReceiver receiver = WebhookReceiver.accepting()) {
            ServiceInstance service = ServiceInstance.start(names, Map.of(
                    "spring.rabbitmq.addresses", "127.0.0.1:" + downNode.port() + "," + rabbit,
                    "spring.rabbitmq.connection-timeout", "2s"));
            try {
                EventServiceClient api = service.client();
                body(api.putSubscription("failover", "failover.#", receiver.url("/hook")), 201);
                List<String> accepted = new ArrayList<>();
                for (int n = 0; n < 3; n++) {
                    accepted.add(api.published("failover.placed", "{\"n\":" + n + "}"));
                }
                await().atMost(WAIT).until(() -> deliveredIds(receiver).containsAll(accepted));
                assertThat(api.call("DELETE", "/api/subscriptions/failover", null).statusCode()).isEqualTo(204);
            } finally {
                service.close(true);
            }
        }
    }

    static Set<String> deliveredIds(WebhookReceiver receiver) {
        return receiver.accepted().stream().map(request -> request.header("webhook-id")).collect(Collectors.toSet());
    }

    /** Publishes with confirms straight to the exchange in the suite's CloudEvents format, as task-service does. */
    static List<String> publishLikeAnotherService(String exchange, String type, int count) throws Exception {
        Map<String, String> broker = TestInfrastructure.rabbitProperties();
        CachingConnectionFactory connections = new CachingConnectionFactory(broker.get("spring.rabbitmq.host"),
                Integer.parseInt(broker.get("spring.rabbitmq.port")));
        connections.setUsername(broker.get("spring.rabbitmq.username"));
        connections.setPassword(broker.get("spring.rabbitmq.password"));
        // Simple confirms on one channel held for the whole loop: with correlated confirms the channel goes back to the
        // cache on the broker's thread, and destroy() could iterate the cache meanwhile (ConcurrentModificationException).
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        try {
            RabbitTemplate rabbit = new RabbitTemplate(connections);
            CloudEventMessages messages = new CloudEventMessages(JSON);
            return rabbit.invoke(channel -> {
                List<String> ids = new ArrayList<>();
                for (int n = 0; n < count; n++) {
                    String id = UUID.randomUUID().toString();
                    channel.send(exchange, type,
                            messages.toMessage(new CloudEvent(id, "/another-service", type, Instant.now(),
                                    "{\"n\":" + n + "}")));
                    channel.waitForConfirmsOrDie(30_000); // a nack or no confirm in time throws
                    ids.add(id);
                }
                return ids;
            });
        } finally {
            connections.destroy();
        }
    }
}
