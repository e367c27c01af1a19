package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.gateway.core.RateLimitDecision;
import com.distpatterns.gateway.core.RateLimiter;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** Where a call goes on after the rate limit decided it: at once when decided locally, else on its own event loop. */
class RateLimitFilterTest {

    static final RateLimitDecision ALLOWED = new RateLimitDecision(true, 100, 41, Duration.ZERO, Duration.ofSeconds(1));
    static final RateLimitDecision REFUSED = new RateLimitDecision(false, 100, 0, Duration.ofMillis(1500),
            Duration.ofSeconds(2));

    /** Stands in for the caller's event loop. */
    final ExecutorService callerLoop = Executors.newSingleThreadExecutor(task -> new Thread(task, "caller-loop"));
    /** Stands in for the Redis client's I/O thread, where a lease's answer arrives. */
    final Scheduler redisThread = Schedulers.newSingle("redis-io");

    @AfterEach
    void stop() {
        callerLoop.shutdownNow();
        redisThread.dispose();
    }

    @Test
    void aCallDecidedFromLocalTokensGoesOnAtOnceOnTheCallersThread() {
        AtomicReference<String> ranOn = new AtomicReference<>();
        MockServerWebExchange exchange = exchange();

        Mono<Void> filtered = filter(client -> Mono.just(ALLOWED)).filter(exchange, recordThread(ranOn));

        // Nothing subscribed yet: the chain already ran, on this thread, without a hop.
        assertThat(ranOn).hasValue(Thread.currentThread().getName());
        filtered.block(Duration.ofSeconds(5));
        assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Remaining")).isEqualTo("41");
    }

    @Test
    void aCallThatWaitedForALeaseGoesOnFromItsOwnEventLoopNotRedisThread() {
        AtomicReference<String> ranOn = new AtomicReference<>();
        MockServerWebExchange exchange = exchange();
        RateLimiter leasing = client -> Mono.just(ALLOWED).delayElement(Duration.ofMillis(20), redisThread);

        filter(leasing).filter(exchange, recordThread(ranOn)).block(Duration.ofSeconds(5));

        assertThat(ranOn).hasValue("caller-loop");
        assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Limit")).isEqualTo("100");
    }

    @Test
    void aRefusalAfterALeaseIs429WithRetryAfterAndRateLimitHeaders() {
        AtomicReference<String> ranOn = new AtomicReference<>();
        MockServerWebExchange exchange = exchange();
        RateLimiter leasing = client -> Mono.just(REFUSED).delayElement(Duration.ofMillis(20), redisThread);

        filter(leasing).filter(exchange, recordThread(ranOn)).block(Duration.ofSeconds(5));

        assertThat(ranOn).hasValue(null);
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("2");
        assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Remaining")).isEqualTo("0");
        assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Reset")).isEqualTo("2");
    }

    RateLimitFilter filter(RateLimiter limiter) {
        return new RateLimitFilter(limiter, new ProblemWriter(JsonMapper.builder().build()), exchange -> callerLoop);
    }

    static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/api/caches/c/entries/k"));
    }

    static WebFilterChain recordThread(AtomicReference<String> ranOn) {
        return exchange -> {
            ranOn.set(Thread.currentThread().getName());
            return Mono.empty();
        };
    }
}
