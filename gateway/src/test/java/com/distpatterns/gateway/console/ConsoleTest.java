package com.distpatterns.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.gateway.testsupport.EmbeddedEureka;
import com.distpatterns.gateway.testsupport.StubService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's page and stream at the gateway, against real HTTP servers registered in a real Eureka: one that
 * answers, one registered on a port where nothing listens. (The page in a browser, against the real suite, is
 * platform/e2e's ConsoleIT.)
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ConsoleTest {

    static final String KEY = "console-key";
    static final EmbeddedEureka eureka = EmbeddedEureka.start();
    static final StubService cacheService;
    static final int deadPort;

    static {
        try {
            cacheService = StubService.start("cache-service");
            deadPort = StubService.deadPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        eureka.register("cache-service", "cache-1", cacheService.port());
        eureka.register("lock-service", "lock-dead", deadPort);
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
        cacheService.close();
        eureka.close();
    }

    @Test
    void thePageAndItsFilesAreServedWithoutAKeyAndUseNoOtherOrigin() throws Exception {
        HttpResponse<String> page = get("/console", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body())
                .contains("<title>Console", "/console/console.js", "/console/console.css", "id=\"api-key\"")
                .doesNotContain("http://", "https://");
        for (String file : new String[] {"/console/console.js", "/console/console.css"}) {
            HttpResponse<String> asset = get(file, null);
            assertThat(asset.statusCode()).as(file).isEqualTo(200);
            assertThat(asset.body()).as("no CDN: the page works offline").doesNotContain("http://", "https://");
        }
    }

    @Test
    void theStreamNeedsTheKey() throws Exception {
        HttpResponse<String> refused = get("/api/console/stream", null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(get("/api/console/stream", "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void theStreamSendsASnapshotOfEveryInstanceAndSaysWhatDoesNotAnswer() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> !discovery.getInstances("cache-service").isEmpty()
                && !discovery.getInstances("lock-service").isEmpty());
        try (ConsoleStream stream = ConsoleStream.open(http, port, KEY)) {
            assertThat(stream.response().statusCode()).isEqualTo(200);
            assertThat(stream.response().headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
            JsonNode first = stream.next();
            JsonNode second = stream.next();
            assertThat(java.time.Instant.parse(second.get("at").asString())).as("a fresh snapshot follows the first")
                    .isAfter(java.time.Instant.parse(first.get("at").asString()));

            JsonNode instances = second.get("instances");
            assertThat(instances.findValuesAsString("service")).containsExactly("cache-service", "lock-service");
            JsonNode dead = instances.get(1);
            assertThat(dead.get("health").asString()).isEqualTo("UNREACHABLE");
            assertThat(dead.get("error").asString()).isNotBlank();
            assertThat(instances.get(0).get("health").asString()).as("the stub's health document has no status")
                    .isEqualTo("HTTP 200");
            assertThat(second.get("locks").get("error").asString()).startsWith("lock-service:");
            assertThat(second.get("caches").get("path").asString())
                    .as("the cache listing, asked of the instance itself")
                    .isEqualTo("/api/caches");
            assertThat(second.get("tasks").get("error").asString()).contains("no instance");
            assertThat(second.get("consensus")).isEmpty();
        }
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
