package com.distpatterns.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import com.distpatterns.gateway.api.ImmediateRouteLookup;
import com.distpatterns.gateway.testsupport.EmbeddedEureka;
import com.distpatterns.gateway.testsupport.StubService;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScopeRefreshedEvent;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway against real downstream HTTP servers that are registered in a real Eureka server, with the real
 * Redis behind its rate limiter.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class GatewayTest {

    // Each key's bucket holds 10 calls for the whole class (it barely refills): tests share a key only while
    // their calls together stay under that.
    static final String ROUTING_KEY = "key-routing";
    static final String CONSENSUS_KEY = "key-consensus";
    static final String PATHS_KEY = "key-paths";
    static final String LIMITED_KEY = "key-limited";
    static final String FAULT_KEY = "key-faults";
    static final String METRICS_KEY = "key-metrics";

    static final EmbeddedEureka eureka = EmbeddedEureka.start();
    static final StubService cacheService;
    static final StubService slowTaskService;
    static final StubService consensusService;
    static final int deadLockServicePort;

    static {
        try {
            cacheService = StubService.start("cache-service");
            slowTaskService = StubService.startSlow("task-service", Duration.ofSeconds(3));
            consensusService = StubService.start("consensus-service");
            deadLockServicePort = StubService.deadPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        eureka.register("cache-service", "cache-1", cacheService.port());
        eureka.register("task-service", "task-1", slowTaskService.port());
        eureka.register("lock-service", "lock-dead", deadLockServicePort);
        eureka.register("consensus-service", "consensus-alive", consensusService.port());
        eureka.register("consensus-service", "consensus-dead", deadLockServicePort);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("eureka.client.enabled", () -> "true");
        registry.add("eureka.client.register-with-eureka", () -> "false");
        registry.add("eureka.client.registry-fetch-interval-seconds", () -> "1");
        registry.add("eureka.client.service-url.defaultZone", eureka::serviceUrl);
        registry.add("spring.cloud.loadbalancer.cache.enabled", () -> "false");
        registry.add("gateway.api-keys",
                () -> String.join(",", ROUTING_KEY, CONSENSUS_KEY, PATHS_KEY, LIMITED_KEY, FAULT_KEY, METRICS_KEY));
        registry.add("gateway.rate-limit.key-prefix", () -> "test:gateway:" + UUID.randomUUID() + ":");
        registry.add("gateway.rate-limit.burst-capacity", () -> "10");
        // One token per 10 s: however slow a loaded machine sends the burst, the bucket does not refill meanwhile.
        registry.add("gateway.rate-limit.replenish-per-second", () -> "0.1");
        registry.add("resilience4j.timelimiter.instances.task-service.timeout-duration", () -> "500ms");
        registry.add("resilience4j.bulkhead.instances.task-service.max-concurrent-calls", () -> "1");
        registry.add("resilience4j.circuitbreaker.instances.lock-service.sliding-window-size", () -> "4");
        registry.add("resilience4j.circuitbreaker.instances.lock-service.minimum-number-of-calls", () -> "4");
        registry.add("resilience4j.circuitbreaker.instances.lock-service.wait-duration-in-open-state", () -> "30s");
        registry.add("management.tracing.sampling.probability", () -> "1.0");
    }

    @LocalServerPort
    int port;
    @Autowired
    DiscoveryClient discovery;
    @Autowired
    RoutePredicateHandlerMapping routeLookup;
    WebTestClient http;

    @BeforeEach
    void setUp() {
        http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
                .build();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !discovery.getInstances("cache-service").isEmpty()
                        && !discovery.getInstances("lock-service").isEmpty()
                        && !discovery.getInstances("task-service").isEmpty()
                        && discovery.getInstances("consensus-service").size() == 2);
    }

    @AfterAll
    static void stopServers() {
        cacheService.close();
        slowTaskService.close();
        consensusService.close();
        eureka.close();
    }

    /** The gateway's own look-up stands in Spring Cloud Gateway's place; every routed call here goes through it. */
    @Test
    void routesAreLookedUpByTheGatewaysOwnLookup() {
        assertThat(routeLookup).isInstanceOf(ImmediateRouteLookup.class);
    }

    @Test
    void routesThroughEurekaToTheServiceThatOwnsThePath() throws InterruptedException {
        http.get().uri("/api/caches/users/entries/alice").header("X-API-Key", ROUTING_KEY)
                .header("Forwarded", "for=203.0.113.9").header("X-Forwarded-For", "203.0.113.9")
                .header("Proxy-Authorization", "Basic eA==").header("X-Custom", "kept")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.service").isEqualTo("cache-service")
                .jsonPath("$.path").isEqualTo("/api/caches/users/entries/alice");

        StubService.Received received = cacheService.lastReceived();
        assertThat(received.path()).isEqualTo("/api/caches/users/entries/alice");
        assertThat(received.headers().containsKey("X-api-key")).as("the API key stays at the gateway").isFalse();
        for (String dropped : List.of("Forwarded", "X-Forwarded-For", "Proxy-Authorization")) {
            // No proxy in front of the gateway is trusted; Proxy-Authorization is hop-by-hop.
            assertThat(received.headers().containsKey(dropped)).as(dropped).isFalse();
        }
        assertThat(received.headers().getFirst("X-Custom")).isEqualTo("kept");
    }

    @Test
    void theServicesResponseHeadersComeBackWithoutTheHopByHopOnes() {
        http.get().uri("/api/caches/users/entries/bob").header("X-API-Key", ROUTING_KEY)
                .header("X-Stub-Answer-Headers", "yes")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Set-Cookie", "a=1", "b=2")
                .expectHeader().valueEquals("Cache-TTL-Remaining", "42")
                .expectHeader().valueEquals("Content-Type", "application/json")
                .expectHeader().doesNotExist("X-Hop")
                .expectHeader().doesNotExist("Proxy-Authenticate")
                .expectHeader().doesNotExist("Keep-Alive")
                .expectHeader().exists("X-Request-Id");
    }

    @Test
    void aUriThatCannotBeParsedIsA400Problem() throws IOException {
        // Refused before any filter runs; an HTTP client library would not even send it.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /api/caches/users/entries/%zz HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-API-Key: " + PATHS_KEY + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"type\":\"/problems/unparsable-uri\"", "\"title\":\"Bad Request\"", "\"status\":400")
                    .doesNotContain("\"instance\"");
        }
    }

    @Test
    void aRequestLineOverTheLimitIsA414ProblemAndTheConnectionCloses() throws IOException {
        String answer = sendRaw(
                "GET /api/caches/users/entries/" + "k".repeat(5_000) + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "X-API-Key: " + PATHS_KEY + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 414").containsIgnoringCase("content-type: application/problem+json")
                .containsIgnoringCase("connection: close").contains("\"type\":\"/problems/uri-too-long\"")
                .contains("\"title\":\"URI Too Long\",\"status\":414").contains("larger than 4096 bytes");
    }

    @Test
    void headersOverTheLimitAreA431Problem() throws IOException {
        String answer = sendRaw("GET /api/caches/users/entries/k HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + PATHS_KEY
                + "\r\nX-Big: " + "v".repeat(20_000) + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 431").containsIgnoringCase("content-type: application/problem+json")
                .contains("\"type\":\"/problems/headers-too-large\"").contains("\"status\":431")
                .contains("larger than 8192 bytes");
    }

    @Test
    void bytesThatAreNotAnHttpRequestAreA400Problem() throws IOException {
        String answer = sendRaw("GET /api/caches/users/entries/k HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json")
                .contains("\"type\":\"/problems/unparsable-request\"");
    }

    /** Sends the bytes on a new connection and reads the answer until the gateway closes it. */
    private String sendRaw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aKeyWithAnEncodedSlashReachesTheServiceAsOneSegment() throws InterruptedException {
        http.get().uri(URI.create("http://127.0.0.1:" + port + "/api/caches/users/entries/eu%2Falice"))
                .header("X-API-Key", ROUTING_KEY)
                .exchange()
                .expectStatus().isOk();
        assertThat(cacheService.lastReceived().path()).isEqualTo("/api/caches/users/entries/eu%2Falice");
    }

    @Test
    void aGetIsRetriedOnAnotherInstanceWhenTheConnectionFails() {
        // One of the two registered instances is down; round-robin hands it every other call.
        for (int i = 0; i < 4; i++) {
            http.get().uri("/api/kv/config").header("X-API-Key", CONSENSUS_KEY)
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.service").isEqualTo("consensus-service");
        }
    }

    @Test
    void theGatewayServesEveryServicesOpenApiDocument() throws InterruptedException {
        http.get().uri("/openapi/cache-service")
                .exchange()
                .expectStatus().isOk();
        assertThat(cacheService.lastReceived().path()).isEqualTo("/v3/api-docs");
        http.get().uri("/swagger-ui.html")
                .exchange()
                .expectStatus().is3xxRedirection();
    }

    @Test
    void withoutAValidKeyTheAnswerIs401ProblemJson() {
        http.get().uri("/api/caches/users/entries/alice")
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.type").isEqualTo("/problems/api-key-required");

        http.get().uri("/api/caches/users/entries/alice").header("X-API-Key", "not-a-key")
                .exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void pastTheLimitTheAnswerIs429WithRetryAfterAndRateLimitHeaders() {
        List<EntityExchangeResult<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            results.add(http.get().uri("/api/caches/users/entries/bob").header("X-API-Key", LIMITED_KEY)
                    .exchange().expectBody().returnResult());
        }
        assertThat(results.getFirst().getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(results.getFirst().getResponseHeaders().getFirst("RateLimit-Limit")).isEqualTo("10");
        assertThat(results.getFirst().getResponseHeaders().getFirst("RateLimit-Remaining")).isEqualTo("9");

        List<EntityExchangeResult<byte[]>> limited = results.stream()
                .filter(r -> r.getStatus() == HttpStatus.TOO_MANY_REQUESTS).toList();
        assertThat(limited).hasSizeGreaterThanOrEqualTo(4);
        EntityExchangeResult<byte[]> first = limited.getFirst();
        assertThat(first.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(Integer.parseInt(first.getResponseHeaders().getFirst("Retry-After"))).isBetween(1, 10);
        assertThat(first.getResponseHeaders().getFirst("RateLimit-Remaining")).isEqualTo("0");

        // Another client's bucket is its own.
        http.get().uri("/api/caches/users/entries/bob").header("X-API-Key", ROUTING_KEY)
                .exchange().expectStatus().isOk();
    }

    @Test
    void aDownServiceIs503ProblemJsonAndThenTheBreakerOpens() {
        for (int i = 0; i < 4; i++) {
            http.get().uri("/api/locks/orders").header("X-API-Key", FAULT_KEY)
                    .exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.type")
                    .value(type -> assertThat(type).isIn("/problems/upstream-unreachable", "/problems/circuit-open"));
        }
        http.get().uri("/api/locks/orders").header("X-API-Key", FAULT_KEY)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().valueEquals("Retry-After", "30")
                .expectBody()
                .jsonPath("$.type").isEqualTo("/problems/circuit-open")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("lock-service"));
    }

    @Test
    void aSlowServiceIs504ProblemJsonWithoutWaitingForIt() {
        http.get().uri("/api/tasks/42").header("X-API-Key", FAULT_KEY)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("/problems/upstream-timeout");
    }

    @Test
    void pastTheConcurrencyBoundTheAnswerIs503AtOnce() throws Exception {
        // The route allows one call in flight here; the slow service holds it until the time limit.
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tasks/" + i))
                    .header("X-API-Key", FAULT_KEY).build();
            calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            answers.add(call.get(20, TimeUnit.SECONDS));
        }
        List<HttpResponse<String>> overloaded = answers.stream().filter(a -> a.body().contains("/problems/overloaded"))
                .toList();
        assertThat(overloaded).isNotEmpty().allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        });
    }

    @Test
    void aServiceWithNoRegisteredInstanceIs503ProblemJson() {
        http.get().uri("/api/subscriptions/audit").header("X-API-Key", FAULT_KEY)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("/problems/no-instance")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("event-service"));
    }

    @Test
    void everyResponseCarriesARequestIdAndTheTraceContextGoesDownstream() throws InterruptedException {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        http.get().uri("/api/compute/square/7").header("X-API-Key", ROUTING_KEY)
                .header("X-Request-Id", "req-123")
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-Request-Id", "req-123");
        StubService.Received received = cacheService.lastReceived();
        assertThat(received.headers().getFirst("X-Request-Id")).isEqualTo("req-123");
        assertThat(received.headers().getFirst("traceparent")).contains(traceId);

        http.get().uri("/api/nothing-here").header("X-API-Key", ROUTING_KEY)
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value("X-Request-Id", id -> assertThat(id).hasSizeGreaterThan(8));
        http.get().uri("/actuator/health")
                .exchange()
                .expectHeader().exists("X-Request-Id");
    }

    @Test
    void servicesActuatorsAreNotReachableThroughTheApi() {
        for (String path : List.of("/api/caches/..%2F..%2Factuator/env", "/api/caches/%2e%2e/%2e%2e/actuator/env",
                "/api/caches/x/../../actuator/env")) {
            http.get().uri(URI.create("http://127.0.0.1:" + port + path)).header("X-API-Key", PATHS_KEY)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        http.get().uri("/api/actuator/health").header("X-API-Key", PATHS_KEY)
                .exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void adminPathsNeedAKey() {
        http.post().uri("/api/cluster/members").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isUnauthorized();
        http.post().uri("/api/kv/compact").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"revision\":5}")
                .exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void rangesTransactionsLeasesAndElectionsReachTheConsensusService() {
        // A POST is not retried, and one of the two instances is down: routed means anything but the gateway's 404.
        http.post().uri("/api/txn").header("X-API-Key", CONSENSUS_KEY).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus().value(status -> org.assertj.core.api.Assertions.assertThat(status).isNotEqualTo(404));
        http.get().uri("/api/kv?prefix=a").header("X-API-Key", CONSENSUS_KEY)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("consensus-service");
        for (String path : List.of("/api/leases/7", "/api/elections/primary")) {
            http.get().uri(path).header("X-API-Key", CONSENSUS_KEY)
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.path").isEqualTo(path);
        }
    }

    @Test
    void everyRoutedCallIsTimedOnItsRouteWithItsOutcome() {
        String[] okOnCache = {"routeId=\"cache-service\"", "routeUri=\"lb://cache-service\"", "httpMethod=\"GET\"",
                "httpStatusCode=\"200\"", "outcome=\"SUCCESSFUL\"", "status=\"OK\""};
        String[] failedOnLocks = {"routeId=\"lock-service\"", "httpStatusCode=\"503\"",
                "outcome=\"SERVER_ERROR\"", "status=\"SERVICE_UNAVAILABLE\""};
        String before = prometheus();

        for (int i = 0; i < 3; i++) {
            http.get().uri("/api/caches/metrics/entries/k" + i).header("X-API-Key", METRICS_KEY)
                    .exchange().expectStatus().isOk();
        }
        // Its only instance is down: 503, whether the breaker is still closed or already open.
        http.get().uri("/api/locks/metrics").header("X-API-Key", METRICS_KEY)
                .exchange().expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);

        String after = prometheus();
        assertThat(sample(after, "spring_cloud_gateway_requests_seconds_count", okOnCache)
                - sample(before, "spring_cloud_gateway_requests_seconds_count", okOnCache)).isEqualTo(3);
        assertThat(sample(after, "spring_cloud_gateway_requests_seconds_count", failedOnLocks)
                - sample(before, "spring_cloud_gateway_requests_seconds_count", failedOnLocks)).isEqualTo(1);
        assertThat(sample(after, "spring_cloud_gateway_requests_seconds_bucket", okOnCache))
                .as("a histogram per route, for the p99 of ops/prometheus/rules").isPositive();
        assertThat(after).contains("spring_cloud_gateway_routes_count");
    }

    /**
     * {@code logback.events} by level, as Micrometer's {@code LogbackMetrics} gives it, without the turbo filter that
     * Logback would ask on every level check of every call.
     */
    @Test
    void logEventsAreCountedByLevelWithoutATurboFilter() {
        LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(logback.getTurboFilterList()).isEmpty();
        String before = prometheus();

        LoggerFactory.getLogger(GatewayTest.class).warn("one warning, counted in logback.events");
        LoggerFactory.getLogger(GatewayTest.class).debug("not enabled, not counted");

        String after = prometheus();
        assertThat(sample(after, "logback_events_total", "level=\"warn\"")
                - sample(before, "logback_events_total", "level=\"warn\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(after, "logback_events_total", "level=\"debug\"")).isZero();
    }

    private String prometheus() {
        return http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    /** The summed value of the samples of {@code name} whose labels include all of {@code labels} (0 if none). */
    private static double sample(String exposition, String name, String... labels) {
        return exposition.lines()
                .filter(line -> line.startsWith(name + "{"))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void theGatewayItselfIsHealthyAndExposesMetrics() {
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    /**
     * The routes are read once at start-up and then left alone: Eureka's client announces a new heartbeat after every
     * registry fetch (every second here), and Spring Cloud Gateway's own listener rebuilt every route on each.
     */
    @Test
    void theRoutesAreReadAtStartAndNotRebuiltOnEveryDiscoveryFetch() {
        ImmediateRouteLookup lookup = (ImmediateRouteLookup) routeLookup;
        List<Route> read = lookup.routes();
        assertThat(read).extracting(Route::getId).as("read at start-up, in the configured order")
                .startsWith("cache-service", "lock-service");
        int heartbeats = events.heartbeats.get();
        int refreshes = events.routeRefreshes.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> events.heartbeats.get() >= heartbeats + 3);
        assertThat(events.routeRefreshes.get()).as("route refreshes during three discovery fetches")
                .isEqualTo(refreshes);
        assertThat(lookup.routes()).as("the same routes").isSameAs(read);

        // A refresh of the configuration the routes come from reads them again, as before.
        context.publishEvent(new RefreshScopeRefreshedEvent());
        await().atMost(Duration.ofSeconds(10)).until(() -> lookup.routes() != read);
        assertThat(events.routeRefreshes.get()).isEqualTo(refreshes + 1);
        http.get().uri("/api/caches/users/entries/bob").header("X-API-Key", ROUTING_KEY).exchange()
                .expectStatus().isOk();
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    RouteEvents events;

    /** Counts discovery heartbeats and route refreshes. */
    @TestConfiguration
    static class RouteEventsConfiguration {
        @Bean
        RouteEvents routeEvents() {
            return new RouteEvents();
        }
    }

    static final class RouteEvents implements ApplicationListener<ApplicationEvent> {
        final AtomicInteger heartbeats = new AtomicInteger();
        final AtomicInteger routeRefreshes = new AtomicInteger();

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            if (event instanceof HeartbeatEvent) {
                heartbeats.incrementAndGet();
            } else if (event instanceof RefreshRoutesEvent) {
                routeRefreshes.incrementAndGet();
            }
        }
    }
}
