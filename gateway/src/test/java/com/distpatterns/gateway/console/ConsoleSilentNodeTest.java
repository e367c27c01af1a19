package com.distpatterns.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.distpatterns.gateway.testsupport.EmbeddedEureka;
import com.distpatterns.gateway.testsupport.StubService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import tools.jackson.databind.json.JsonMapper;

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
    final JsonMapper json = JsonMapper.builder().build();

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
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/console/stream"))
                .header("X-API-Key", KEY).build();
        // The stream's headers go with its first snapshot: a stream that sends none would hang a plain send.
        HttpResponse<Stream<String>> stream = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        try (Stream<String> lines = stream.body()) {
            Iterator<String> each = lines.iterator();
            JsonNode first = nextSnapshot(each);
            assertThat(first.get("locks").get("error").asString()).as("an answer with no body")
                    .startsWith("lock-service:");
            // Answered first, so that the gateway holds open connections to it; then it freezes.
            assertThat(first.get("consensus").get(0).get("reachable").asBoolean()).isTrue();
            nextSnapshot(each);
            silent.freeze();
            nextSnapshot(each); // it may have been asked before the freeze
            Instant previous = null;
            // Each call to the node takes its whole time limit; connections to it pile up, none is ever answered.
            for (int i = 0; i < 8; i++) {
                long asked = System.nanoTime();
                JsonNode snapshot = nextSnapshot(each);
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

    private JsonNode nextSnapshot(Iterator<String> lines) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> readSnapshot(lines), "no snapshot came");
    }

    private JsonNode readSnapshot(Iterator<String> lines) {
        String event = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event:")) {
                event = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:") && "snapshot".equals(event)) {
                return json.readTree(line.substring("data:".length()));
            }
        }
        throw new AssertionError("the stream ended before a snapshot");
    }
}
