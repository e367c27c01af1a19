package com.distpatterns.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.client.ClientSettings;
import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.EventPublisher;
import com.distpatterns.client.ProblemException;
import com.distpatterns.client.SuiteEvent;
import com.distpatterns.client.spring.DistpatternsAutoConfiguration;
import com.distpatterns.client.spring.SuiteEventListener;
import com.distpatterns.client.spring.events.EventsAutoConfiguration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Events through the client and the starter, against event-service through the gateway: publishing, a live
 * {@code @SuiteEventListener}, and a durable one whose application is stopped while events are published.
 */
@ExtendWith(SharedSuite.class)
@Order(5)
class ClientEventsIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** This run's own event types, so that nothing else published on the suite reaches the durable listener. */
    static final String DURABLE_TYPE = "e2e-" + RUN + ".order.placed";
    static final String SUBSCRIPTION = "e2e-client-" + RUN;
    static DistpatternsClient client;
    static EventPublisher publisher;
    static Path secrets;

    record User(String name, String run) {}

    record Placed(int n) {}

    /** A live listener, as an application writes it: one method per pattern, typed parameters. */
    static class UserListener {
        final List<User> users = new CopyOnWriteArrayList<>();
        final List<SuiteEvent> everything = new CopyOnWriteArrayList<>();

        @SuiteEventListener(pattern = "user.*")
        public void user(User user) {
            users.add(user);
        }

        @SuiteEventListener(pattern = "user.*")
        public void raw(SuiteEvent event) {
            everything.add(event);
        }
    }

    /** A durable listener. */
    static class PlacedListener {
        final List<Placed> placed = new CopyOnWriteArrayList<>();

        @SuiteEventListener(pattern = "${test.pattern}", subscription = "${test.subscription}")
        public void on(Placed event) {
            placed.add(event);
        }
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration({DistpatternsAutoConfiguration.class, EventsAutoConfiguration.class})
    static class LiveApp {
        @Bean
        UserListener userListener() {
            return new UserListener();
        }
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration({DistpatternsAutoConfiguration.class, EventsAutoConfiguration.class,
            TomcatServletWebServerAutoConfiguration.class})
    static class DurableApp {
        @Bean
        PlacedListener placedListener() {
            return new PlacedListener();
        }
    }

    @BeforeAll
    static void connect() throws IOException {
        client = DistpatternsClient.create(ClientSettings.of(SharedSuite.gateway("events"), SharedSuite.KEY));
        publisher = client.publisher();
        secrets = Files.createTempDirectory("distpatterns-secrets");
    }

    @AfterAll
    static void disconnect() {
        client.subscriptions().delete(SUBSCRIPTION);
        client.close();
    }

    @Test
    void publishIsConfirmedAndABadTypeOrBodyIsTyped() {
        EventPublisher.Published published = publisher.publish("e2e-" + RUN + ".ping", new User("Ada", RUN));
        assertThat(published.id()).isNotBlank();
        assertThat(published.type()).isEqualTo("e2e-" + RUN + ".ping");
        assertThat(published.time()).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> publisher.publish("User.Created", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions
                .assertThatThrownBy(() -> publisher.publish("e2e.bad", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ProblemException.InvalidRequestException.class,
                        problem -> assertThat(problem.type()).hasToString("/problems/invalid-json"));
    }

    @Test
    void aLiveListenerReceivesUserCreatedButNotOrderCreated() {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(LiveApp.class)
                .web(WebApplicationType.NONE)
                .properties("distpatterns.url=" + SharedSuite.gateway("events"),
                        "distpatterns.api-key=" + SharedSuite.KEY)
                .run()) {
            UserListener listener = app.getBean(UserListener.class);
            // The stream connects in the background: publish a probe until it arrives.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                publisher.publish("user.probe", new User("probe", RUN));
                return listener.users.stream().anyMatch(u -> u.run().equals(RUN));
            });

            publisher.publish("order.created", new User("order", RUN));
            publisher.publish("user.created", new User("Ada", RUN));
            publisher.publish("user.created", new User("Grace", RUN));

            await().atMost(Duration.ofSeconds(15)).until(() -> names(listener).containsAll(List.of("Ada", "Grace")));
            // One stream delivers in publish order: an order.created it matched would have arrived before Ada.
            assertThat(names(listener)).containsSubsequence("Ada", "Grace").doesNotContain("order");
            assertThat(listener.everything).extracting(SuiteEvent::type).allMatch(type -> type.startsWith("user."));
            SuiteEvent ada = listener.everything.stream().filter(e -> "Ada".equals(e.data().path("name").asString()))
                    .findFirst().orElseThrow();
            assertThat(ada.type()).isEqualTo("user.created");
            assertThat(ada.id()).isNotBlank();
            assertThat(ada.time()).isNotNull();
        }
    }

    private static List<String> names(UserListener listener) {
        return listener.users.stream().filter(u -> u.run().equals(RUN)).map(User::name).toList();
    }

    private static ConfigurableApplicationContext startDurable() {
        return new SpringApplicationBuilder(DurableApp.class).web(WebApplicationType.SERVLET).properties(
                "server.port=0",
                "distpatterns.url=" + SharedSuite.gateway("events"),
                "distpatterns.api-key=" + SharedSuite.KEY,
                "distpatterns.events.secrets-dir=" + secrets,
                "test.pattern=" + DURABLE_TYPE,
                "test.subscription=" + SUBSCRIPTION)
                .run();
    }

    @Test
    void aDurableListenerGetsTheEventsPublishedWhileItsApplicationWasStopped() throws Exception {
        ConfigurableApplicationContext first = startDurable();
        try {
            PlacedListener listener = first.getBean(PlacedListener.class);
            publisher.publish(DURABLE_TYPE, new Placed(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.placed.contains(new Placed(1)));
        } finally {
            first.close();
        }

        // The application is down: these are confirmed by the suite and wait in the subscription's queue.
        publisher.publish(DURABLE_TYPE, new Placed(2));
        publisher.publish(DURABLE_TYPE, new Placed(3));

        try (ConfigurableApplicationContext second = startDurable()) {
            PlacedListener listener = second.getBean(PlacedListener.class);
            // event-service retries with backoff (1 s, 4 s, 16 s, 64 s): the next attempt after the restart delivers.
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> listener.placed.containsAll(List.of(new Placed(2), new Placed(3))));
        }
    }

    @Test
    void theWebhookRefusesDeliveriesThatAreNotSignedWithTheSubscriptionsSecret() throws Exception {
        try (ConfigurableApplicationContext app = startDurable()) {
            PlacedListener listener = app.getBean(PlacedListener.class);
            String port = app.getEnvironment().getProperty("local.server.port");
            URI webhook = URI.create("http://127.0.0.1:" + port + "/distpatterns/events/" + SUBSCRIPTION);
            String secret = Files.readString(secrets.resolve(SUBSCRIPTION + ".secret")).strip();
            String id = "forged-" + RUN;
            String body = "{\"id\":\"" + id + "\",\"source\":\"/event-service\",\"specversion\":\"1.0\",\"type\":\""
                    + DURABLE_TYPE
                    + "\",\"time\":\"2026-12-02T10:00:00Z\",\"datacontenttype\":\"application/json\",\"data\":{\"n\":99}}";
            long now = System.currentTimeMillis() / 1000;

            assertThat(post(webhook, body, id, now, null)).as("no signature").isEqualTo(401);
            assertThat(post(webhook, body, id, now, sign("whsec_" + Base64.getEncoder().encodeToString(
                    "another key of 24 bytes!".getBytes(StandardCharsets.UTF_8)), id, now, body))).as("another key")
                    .isEqualTo(401);
            assertThat(post(webhook, body, id, now - 3600, sign(secret, id, now - 3600, body))).as("an hour old")
                    .isEqualTo(401);
            assertThat(listener.placed).doesNotContain(new Placed(99));

            assertThat(post(webhook, body, id, now, sign(secret, id, now, body))).as("signed").isEqualTo(204);
            assertThat(listener.placed).contains(new Placed(99));
            assertThat(post(webhook, body, id, now, sign(secret, id, now, body))).as("again: skipped").isEqualTo(204);
            assertThat(listener.placed.stream().filter(new Placed(99)::equals).count()).isEqualTo(1);
        }
    }

    private static String sign(String secret, String id, long timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    }

    private static int post(URI webhook, String body, String id, long timestamp, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/cloudevents+json")
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(timestamp))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("webhook-signature", signature);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
