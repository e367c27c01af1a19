package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class GuardedCallTest {

    private final CircuitBreaker breaker = CircuitBreaker.ofDefaults("guarded");
    private final Bulkhead bulkhead = Bulkhead.ofDefaults("guarded");

    /** The call below the guard, as the downstream call's operators do: it reads its caller's context. */
    private Mono<Void> call(List<String> seen) {
        return Mono.deferContextual(context -> {
            seen.add(context.getOrDefault("caller", "none"));
            return Flux.just(1, 2, 3).then();
        });
    }

    private Mono<Void> guarded(Mono<Void> call) {
        return GuardedCall.of(call, breaker, bulkhead, Duration.ofSeconds(5).toNanos(), GlobalEventExecutor.INSTANCE);
    }

    @Test
    void eachCallSeesItsOwnCallersContext() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Mono<Void> guarded = guarded(call(seen));

        guarded.contextWrite(context -> context.put("caller", "first")).block(Duration.ofSeconds(5));
        guarded.contextWrite(context -> context.put("caller", "second")).block(Duration.ofSeconds(5));
        guarded.block(Duration.ofSeconds(5));

        assertThat(seen).containsExactly("first", "second", "none");
        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(3);
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls())
                .isEqualTo(bulkhead.getBulkheadConfig().getMaxConcurrentCalls());
    }

    @Test
    void aCallPastItsTimeLimitFailsAndCountsOnTheBreaker() {
        Mono<Void> slow = GuardedCall.of(Mono.never(), breaker, bulkhead, Duration.ofMillis(50).toNanos(),
                GlobalEventExecutor.INSTANCE);

        String outcome = slow.then(Mono.just("ended")).onErrorResume(e -> Mono.just(e.getClass().getSimpleName()))
                .block(Duration.ofSeconds(5));

        assertThat(outcome).isEqualTo("TimeoutException");
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }
}
