package com.distpatterns.gateway.api;

import java.util.function.Function;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Holds the caller's Reactor context once, above every other filter of a routed call, so that the operators below
 * find it one step up instead of many.
 *
 * <p>A Reactor operator that needs its context asks the subscriber below it, which asks the one below that, and so
 * on until one holds a context of its own: on a routed call, the context Spring WebFlux writes when it starts the
 * request's observation, above every web filter and Spring's dispatch. The writing of the response and the
 * downstream call ask several times per call, each time through every filter's operators, Spring Cloud Gateway's
 * and Spring's: 6.7 % of the gateway's CPU samples under load was that walk (profile of the twenty-third session,
 * docs/benchmarks.md). An unchanged {@code contextWrite} reads the context once, on subscription, and answers every
 * later ask itself; Reactor's own {@code contextWrite} keeps a context the same way, as {@link GuardedCall} does for
 * the calls of a route with a breaker. A subscriber's context is fixed when it subscribes, so nothing below sees a
 * different one.
 */
public final class CachedContextFilter implements GlobalFilter, Ordered {

    private static final Function<Context, Context> UNCHANGED = context -> context;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return chain.filter(exchange).contextWrite(UNCHANGED);
    }

    @Override
    public int getOrder() {
        return FilterOrder.CACHED_CONTEXT.order();
    }
}
