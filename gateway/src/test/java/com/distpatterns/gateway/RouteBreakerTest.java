package com.distpatterns.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.gateway.testsupport.EmbeddedEureka;
import com.distpatterns.gateway.testsupport.SwitchableService;
import com.distpatterns.gateway.testsupport.SwitchableService.Mode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The {@code RouteBreaker} route filter against real downstream HTTP servers that a test makes fail or slow down:
 * the breaker passes calls while closed, opens after failures and then answers 503 problem+json without calling the
 * service, lets calls through again once the service recovers; a call past the route's time limit is 504 at the
 * limit, not when the service answers, and counts as a failure. What the breaker records is read from the breaker
 * itself and from the resilience4j meters at {@code /actuator/prometheus}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class RouteBreakerTest {

    static final Duration TIME_LIMIT = Duration.ofMillis(400);
    static final Duration SLOW_ANSWER = Duration.ofSeconds(10);
    // Not used for these routes, which name their servers; the gateway's Eureka client needs one to talk to.
    static final EmbeddedEureka eureka = EmbeddedEureka.start();
    static final SwitchableService flaky;
    static final SwitchableService slow;

    static {
        try {
            flaky = SwitchableService.start(SLOW_ANSWER);
            slow = SwitchableService.start(SLOW_ANSWER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        slow.mode(Mode.SLOW);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        eureka.configureClient(registry);
        registry.add("gateway.rate-limit.enabled", () -> "false");
        // These routes replace the application's (a list is taken whole from the source that sets it).
        String routes = "spring.cloud.gateway.server.webflux.routes";
        registry.add(routes + "[0].id", () -> "guarded");
        registry.add(routes + "[0].uri", () -> "http://127.0.0.1:" + flaky.port());
        registry.add(routes + "[0].predicates[0]", () -> "Path=/api/caches/**");
        registry.add(routes + "[0].filters[0]", () -> "RouteBreaker=guarded");
        registry.add(routes + "[1].id", () -> "guarded-slow");
        registry.add(routes + "[1].uri", () -> "http://127.0.0.1:" + slow.port());
        registry.add(routes + "[1].predicates[0]", () -> "Path=/api/locks/**");
        registry.add(routes + "[1].filters[0]", () -> "RouteBreaker=guarded-slow");
        String guarded = "resilience4j.circuitbreaker.instances.guarded.";
        registry.add(guarded + "sliding-window-size", () -> "4");
        registry.add(guarded + "minimum-number-of-calls", () -> "4");
        registry.add(guarded + "wait-duration-in-open-state", () -> "2s");
        registry.add(guarded + "permitted-number-of-calls-in-half-open-state", () -> "2");
        String guardedSlow = "resilience4j.circuitbreaker.instances.guarded-slow.";
        registry.add(guardedSlow + "sliding-window-size", () -> "2");
        registry.add(guardedSlow + "minimum-number-of-calls", () -> "2");
        registry.add(guardedSlow + "wait-duration-in-open-state", () -> "60s");
        registry.add("resilience4j.timelimiter.instances.guarded-slow.timeout-duration", TIME_LIMIT::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    CircuitBreakerRegistry breakers;
    WebTestClient http;

    @BeforeEach
    void setUp() {
        http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterAll
    static void stopServers() {
        flaky.close();
        slow.close();
        eureka.close();
    }

    @Test
    void aClosedBreakerPassesCallsFailuresOpenItAndItClosesAgainOnceTheServiceAnswers() {
        CircuitBreaker breaker = breakers.circuitBreaker("guarded");
        for (int i = 0; i < 3; i++) {
            http.get().uri("/api/caches/users/entries/" + i).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.ok").isEqualTo(true);
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(3);
        assertThat(prometheus()).anySatisfy(line -> assertThat(line)
                .startsWith("resilience4j_circuitbreaker_calls_seconds_count{")
                .contains("kind=\"successful\"", "name=\"guarded\"").matches(".* 3(\\.0)?"));

        // The service fails: each call is 503 until the window holds enough failures to open the breaker.
        flaky.mode(Mode.DROP);
        for (int i = 0; i < 10 && breaker.getState() != CircuitBreaker.State.OPEN; i++) {
            http.get().uri("/api/caches/users/entries/x").exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("/problems/upstream-unreachable");
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isGreaterThanOrEqualTo(2);
        assertThat(prometheus()).anySatisfy(line -> assertThat(line)
                .startsWith("resilience4j_circuitbreaker_state{")
                .contains("name=\"guarded\"", "state=\"open\"").matches(".* 1(\\.0)?"));

        // Open: answered at once, without calling the service.
        int callsBefore = flaky.calls();
        http.get().uri("/api/caches/users/entries/x").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("Retry-After", "2")
                .expectBody()
                .jsonPath("$.type").isEqualTo("/problems/circuit-open")
                .jsonPath("$.status").isEqualTo(503);
        assertThat(flaky.calls()).isEqualTo(callsBefore);

        // The service recovers: after the wait, the half-open breaker lets its two trial calls through and closes.
        flaky.mode(Mode.ANSWER);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.get().uri("/api/caches/users/entries/trial").exchange().returnResult(String.class)
                        .getStatus().value() == 200);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        http.get().uri("/api/caches/users/entries/trial").exchange().expectStatus().isOk();
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        http.get().uri("/api/caches/users/entries/after").exchange().expectStatus().isOk();
    }

    @Test
    void aSlowServiceIs504AtTheTimeLimitAndItsTimeoutsOpenTheBreaker() {
        CircuitBreaker breaker = breakers.circuitBreaker("guarded-slow");
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            http.get().uri("/api/locks/orders").exchange()
                    .expectStatus().isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.type").isEqualTo("/problems/upstream-timeout")
                    .jsonPath("$.status").isEqualTo(504);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // At the route's time limit, long before the service would have answered (the margin is for the first
            // call of a cold JVM on a loaded machine).
            assertThat(took).isGreaterThanOrEqualTo(TIME_LIMIT).isLessThan(SLOW_ANSWER.dividedBy(2));
        }
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        http.get().uri("/api/locks/orders").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/circuit-open");
    }

    private List<String> prometheus() {
        String body = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return body == null ? List.of() : body.lines().toList();
    }
}
