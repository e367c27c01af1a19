package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.AsyncPredicate;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * {@link ImmediateRouteLookup} picks the route Spring Cloud Gateway's own look-up picks: both run over the same routes
 * for the same requests, and must agree on the route, or on there being none, or on the error. The routes cover every
 * kind of predicate answer: at once, later, empty, an error, a throw, and one that reads the Reactor context.
 */
class ImmediateRouteLookupTest {

    private static final String CONTEXT_KEY = "tenant";

    private final List<Route> configured = new ArrayList<>(List.of(
            route("thrower", exchange -> {
                if (path(exchange).startsWith("/throw")) {
                    throw new IllegalStateException("a predicate that throws");
                }
                return Mono.just(false);
            }),
            route("empty", exchange -> Mono.empty()),
            route("at-once", sync("/a/")),
            route("later", exchange -> Mono.delay(Duration.ofMillis(20)).thenReturn(path(exchange).startsWith("/b/"))),
            route("after-later", sync("/b/")),
            route("failing", exchange -> path(exchange).startsWith("/fail")
                    ? Mono.error(new IllegalStateException("a predicate that fails"))
                    : Mono.just(false)),
            route("from-context", exchange -> Mono.deferContextual(
                    context -> Mono.just(path(exchange).startsWith("/ctx") && context.hasKey(CONTEXT_KEY)))),
            route("c", sync("/c/"))));

    private final RouteLocator locator = () -> Flux.fromIterable(List.copyOf(configured));
    private final ImmediateRouteLookup ours = new ImmediateRouteLookup(new FilteringWebHandler(List.of(), false),
            locator, new GlobalCorsProperties(), new MockEnvironment());
    private final RoutePredicateHandlerMapping theirs = new RoutePredicateHandlerMapping(
            new FilteringWebHandler(List.of(), false), locator, new GlobalCorsProperties(), new MockEnvironment());

    private static final List<String> PATHS = List.of("/a/1", "/b/2", "/c", "/c/3", "/ctx", "/none", "/throw",
            "/throw/a/", "/fail");

    @Test
    void everyRequestFindsTheRouteSpringCloudGatewaysLookupFinds() {
        ours.onApplicationEvent(new RefreshRoutesResultEvent(this));

        for (String path : PATHS) {
            for (Context context : List.of(Context.empty(), Context.of(CONTEXT_KEY, "t1"))) {
                assertThat(answer(ours, path, context)).as(path + " " + context)
                        .isEqualTo(answer(theirs, path, context));
            }
        }
        assertThat(answer(ours, "/b/2", Context.empty())).isEqualTo("later");
        assertThat(answer(ours, "/ctx", Context.of(CONTEXT_KEY, "t1"))).isEqualTo("from-context");
        assertThat(answer(ours, "/ctx", Context.empty())).isEqualTo("none");
        assertThat(answer(ours, "/fail", Context.empty())).isEqualTo("error: a predicate that fails");
    }

    @Test
    void aRouteThatOnlyAnswersLaterIsWaitedForAndTheLookUpGoesOnAfterIt() {
        ours.onApplicationEvent(new RefreshRoutesResultEvent(this));
        AtomicInteger askedAfter = new AtomicInteger();
        configured.add(3, route("counting", exchange -> {
            askedAfter.incrementAndGet();
            return Mono.just(false);
        }));
        configured.add(3, route("later-no", exchange -> Mono.delay(Duration.ofMillis(10)).thenReturn(false)));
        ours.onApplicationEvent(new RefreshRoutesResultEvent(this));

        assertThat(answer(ours, "/b/2", Context.empty())).isEqualTo("later");
        assertThat(askedAfter).hasValue(1);
    }

    @Test
    void eachPredicateIsToldWhichRouteItTests() {
        List<String> told = new ArrayList<>();
        configured.addFirst(route("first", exchange -> {
            told.add(FilterOrder.Attributes.PREDICATE_ROUTE.get(exchange));
            return Mono.just(false);
        }));
        ours.onApplicationEvent(new RefreshRoutesResultEvent(this));

        answer(ours, "/a/1", Context.empty());

        assertThat(told).containsExactly("first");
    }

    @Test
    void beforeTheRoutesAreReadAndAfterEachRefreshTheLocatorsRoutesServe() {
        assertThat(answer(ours, "/a/1", Context.empty())).isEqualTo("at-once");

        ours.onApplicationEvent(new RefreshRoutesResultEvent(this));
        configured.addFirst(route("new-a", sync("/a/")));
        assertThat(answer(ours, "/a/1", Context.empty())).as("the routes as last read").isEqualTo("at-once");

        ours.onApplicationEvent(new RefreshRoutesResultEvent(this, new IllegalStateException("refresh failed")));
        assertThat(answer(ours, "/a/1", Context.empty())).as("a failed refresh keeps them").isEqualTo("at-once");

        ours.onApplicationEvent(new RefreshRoutesResultEvent(this));
        assertThat(answer(ours, "/a/1", Context.empty())).isEqualTo("new-a");
    }

    /** The route id the mapping picked, {@code none}, or {@code error: } and the error's message. */
    private static String answer(RoutePredicateHandlerMapping mapping, String path, Context context) {
        ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
        return mapping.getHandler(exchange).contextWrite(context)
                .map(handler -> FilterOrder.Attributes.ROUTE.get(exchange).getId())
                .defaultIfEmpty("none")
                .onErrorResume(error -> Mono.just("error: " + error.getMessage()))
                .block(Duration.ofSeconds(5));
    }

    /** As Spring Cloud Gateway builds a route from its definition: {@code true AND} each predicate. */
    private static Route route(String id, AsyncPredicate<ServerWebExchange> predicate) {
        return Route.async().id(id).uri("http://" + id).asyncPredicate(AsyncPredicate.from(exchange -> true)
                .and(predicate)).build();
    }

    private static AsyncPredicate<ServerWebExchange> sync(String prefix) {
        return AsyncPredicate.from(exchange -> path(exchange).startsWith(prefix));
    }

    private static String path(ServerWebExchange exchange) {
        return exchange.getRequest().getPath().value();
    }
}
