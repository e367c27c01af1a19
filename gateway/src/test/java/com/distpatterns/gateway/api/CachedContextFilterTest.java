package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

class CachedContextFilterTest {

    private final CachedContextFilter filter = new CachedContextFilter();

    /** The filters below, as the response's writing does: each operator reads its caller's context. */
    private static GatewayFilterChain readingTheContext(int times, List<String> seen) {
        return exchange -> Flux.range(0, times)
                .concatMap(i -> Mono.deferContextual(context -> {
                    seen.add(context.getOrDefault("caller", "none"));
                    return Mono.empty();
                }))
                .then();
    }

    @Test
    void everyCallBelowSeesItsOwnCallersContext() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Mono<Void> filtered = filter.filter(null, readingTheContext(2, seen));

        filtered.contextWrite(context -> context.put("caller", "first")).block(Duration.ofSeconds(5));
        filtered.contextWrite(context -> context.put("caller", "second")).block(Duration.ofSeconds(5));
        filtered.block(Duration.ofSeconds(5));

        assertThat(seen).containsExactly("first", "first", "second", "second", "none", "none");
    }

    @Test
    void theCallerIsAskedForItsContextOnceHoweverOftenTheFiltersBelowAsk() {
        AtomicInteger asked = new AtomicInteger();
        List<String> seen = new CopyOnWriteArrayList<>();
        CoreSubscriber<Void> caller = new BaseSubscriber<>() {
            @Override
            public Context currentContext() {
                asked.incrementAndGet();
                return Context.of("caller", "counted");
            }
        };

        filter.filter(null, readingTheContext(10, seen)).subscribe(caller);

        assertThat(seen).hasSize(10).containsOnly("counted");
        assertThat(asked).hasValue(1);
    }
}
