package com.distpatterns.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.gateway.testsupport.EmbeddedEureka;
import com.distpatterns.gateway.testsupport.StubService;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What a service answers, or fails to, must not hold up the console: a consensus node that takes calls and never
 * answers them (a frozen process: the kernel still accepts its connections) is shown unreachable each second, and a
 * service that answers with no body at all is shown as an error, not left out of a snapshot that then never comes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ConsoleSilentNodeTest {

    static final String KEY = "console-key";
    static final EmbeddedEureka eureka = EmbeddedEureka.start();
    static final StubService silent;
    static final StubService emptyLocks;

    static {
        try {
            silent = StubService.start("consensus-service");
            emptyLocks = StubService.startEmpty("lock-service");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        eureka.register("consensus-service", "consensus-silent", silent.port());
        eureka.register("lock-service", "lock-empty", emptyLocks.port());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        eureka.configureClient(registry);
        registry.add("gateway.api-keys", () -> KEY);
        registry.add("gateway.rate-limit.key-prefix", () -> "test:gateway:" + UUID.randomUUID() + ":");
    }

    @LocalServerPort
    int port;
    @Autowired
    DiscoveryClient discovery;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void stopServers() {
        silent.close();
        emptyLocks.close();
        eureka.close();
    }

    @Test
    void aNodeThatNeverAnswersIsShownUnreachableEverySecond() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> !discovery.getInstances("consensus-service").isEmpty()
                && !discovery.getInstances("lock-service").isEmpty());
        try (ConsoleStream stream = ConsoleStream.open(http, port, KEY)) {
            assertThat(stream.response().statusCode()).isEqualTo(200);
            JsonNode first = stream.next();
            assertThat(first.get("locks").get("error").asString()).as("an answer with no body")
                    .startsWith("lock-service:");
            // Answered first, so that the gateway holds open connections to it; then it freezes.
            assertThat(first.get("consensus").get(0).get("reachable").asBoolean()).isTrue();
            stream.next();
            silent.freeze();
            stream.next(); // it may have been asked before the freeze
            Instant previous = null;
            // Each call to the node takes its whole time limit; connections to it pile up, none is ever answered.
            for (int i = 0; i < 8; i++) {
                long asked = System.nanoTime();
                JsonNode snapshot = stream.next();
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("snapshot %d's wait", i)
                        .isLessThan(Duration.ofSeconds(3));
                Instant at = Instant.parse(snapshot.get("at").asString());
                if (previous != null) {
                    assertThat(at).isAfter(previous);
                }
                previous = at;
                JsonNode node = snapshot.get("consensus").get(0);
                assertThat(node.get("reachable").asBoolean()).isFalse();
                assertThat(node.get("error").asString()).isEqualTo("no answer in time");
                assertThat(snapshot.get("instances").findValuesAsString("health")).containsExactly("UNREACHABLE",
                        "HTTP 204");
            }
        }
    }
}
