package com.distpatterns.gateway.api;

import java.util.List;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Spring Cloud Gateway's route look-up, which picks the first route whose predicate holds, with the routes read once
 * per refresh and each predicate asked in a plain loop. Spring Cloud Gateway's own builds a Reactor pipeline for every
 * request (the cached routes replayed, {@code filterWhen} over them, each route's {@code true AND path}), and each of
 * its steps walks the request's whole chain of operators for the Reactor context: 10.8 % of the gateway's CPU samples
 * under load in one profile, 2.5 % with this look-up (JFR in {@code scripts/bench/gateway-ab.sh}, docs/benchmarks.md).
 *
 * <p>The same routes in the same order, the same predicates and the same answer: a predicate that answers later (a
 * body read, say) is waited for, and the look-up goes on from the route after it. Until the routes are first read,
 * Spring Cloud Gateway's own look-up answers; a refresh that fails leaves the routes read before, as it leaves the
 * locator's.
 */
public final class ImmediateRouteLookup extends RoutePredicateHandlerMapping
        implements ApplicationListener<RefreshRoutesResultEvent> {

    private static final Logger log = LoggerFactory.getLogger(ImmediateRouteLookup.class);

    private final RouteLocator routeLocator;
    /** Null until the routes are first read. */
    private volatile List<Route> routes;

    public ImmediateRouteLookup(FilteringWebHandler webHandler, RouteLocator routeLocator,
            GlobalCorsProperties globalCorsProperties, Environment environment) {
        super(webHandler, routeLocator, globalCorsProperties, environment);
        this.routeLocator = routeLocator;
    }

    /**
     * The routes as Spring Cloud Gateway's caching locator now holds them. It publishes this event once its cache is
     * replaced, and under its own lock, so refreshes reach here one at a time and in order.
     */
    @Override
    public synchronized void onApplicationEvent(RefreshRoutesResultEvent event) {
        if (!event.isSuccess()) {
            return; // the locator keeps serving the routes it had; so does this
        }
        routeLocator.getRoutes().collectList().subscribe(read -> routes = List.copyOf(read),
                error -> log.warn("Routes not re-read after a refresh; the routes read before still serve", error));
    }

    /** The routes this look-up asks, in order; empty until they are first read. */
    public List<Route> routes() {
        List<Route> known = routes;
        return known == null ? List.of() : known;
    }

    @Override
    protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
        List<Route> known = routes;
        if (known == null) {
            return super.lookupRoute(exchange);
        }
        ContextView view = FilterOrder.Attributes.LOOKUP_CONTEXT.get(exchange);
        return firstMatch(known, 0, exchange, view == null ? Context.empty() : Context.of(view));
    }

    private Mono<Route> firstMatch(List<Route> candidates, int from, ServerWebExchange exchange, Context context) {
        for (int i = from; i < candidates.size(); i++) {
            Route route = candidates.get(i);
            PredicateAnswer answer = ask(route, exchange, context);
            if (!answer.isDone()) {
                int next = i + 1;
                return Mono.fromFuture(answer).flatMap(matched -> matched
                        ? matched(route, exchange)
                        : firstMatch(candidates, next, exchange, context));
            }
            if (answer.isCompletedExceptionally()) {
                return Mono.error(answer.exceptionNow());
            }
            if (answer.resultNow()) {
                return matched(route, exchange);
            }
        }
        return Mono.empty();
    }

    private static PredicateAnswer ask(Route route, ServerWebExchange exchange, Context context) {
        // Read by predicates that say which route they are testing, as Spring Cloud Gateway's look-up sets it.
        FilterOrder.Attributes.PREDICATE_ROUTE.put(exchange, route.getId());
        Publisher<Boolean> predicate;
        try {
            predicate = route.getPredicate().apply(exchange);
        } catch (RuntimeException e) {
            log.error("Error applying predicate for route: {}", route.getId(), e);
            return PredicateAnswer.no();
        }
        return PredicateAnswer.ask(predicate, context);
    }

    private Mono<Route> matched(Route route, ServerWebExchange exchange) {
        validateRoute(route, exchange);
        return Mono.just(route);
    }
}
