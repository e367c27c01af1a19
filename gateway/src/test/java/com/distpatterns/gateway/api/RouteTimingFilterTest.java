package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GatewayMetricsFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayHttpTagsProvider;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayRouteTagsProvider;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@link RouteTimingFilter} records what Spring Cloud Gateway's {@code GatewayMetricsFilter} records: both run on the
 * same calls, each into a registry of its own, and the timers they leave (name, tags, count) must be the same.
 */
class RouteTimingFilterTest {

    private static final Route CACHE = Route.async().id("cache-service").uri("lb://cache-service")
            .predicate(exchange -> true).build();
    private static final Route LOCKS = Route.async().id("lock-service").uri("lb://lock-service")
            .predicate(exchange -> true).build();

    private final MeterRegistry ours = new SimpleMeterRegistry();
    private final MeterRegistry theirs = new SimpleMeterRegistry();
    private final RouteTimingFilter filter = new RouteTimingFilter(ours);
    private final GatewayMetricsFilter reference = new GatewayMetricsFilter(theirs,
            List.of(new GatewayHttpTagsProvider(), new GatewayRouteTagsProvider()), "spring.cloud.gateway");

    @Test
    void theTimersAreSpringCloudGatewaysOwnForEveryKindOfAnswer() {
        for (int i = 0; i < 3; i++) {
            call(HttpMethod.GET, CACHE, answered(HttpStatus.OK));
        }
        call(HttpMethod.PUT, CACHE, answered(HttpStatus.NO_CONTENT));
        call(HttpMethod.GET, LOCKS, failed());
        call(HttpMethod.GET, CACHE, answered(HttpStatusCode.valueOf(599)));
        call(HttpMethod.valueOf("PURGE"), CACHE, answered(HttpStatus.METHOD_NOT_ALLOWED));
        call(HttpMethod.GET, null, answered(HttpStatus.OK));
        call(HttpMethod.DELETE, CACHE, answeredWithoutStatus());

        assertThat(timers(ours)).isEqualTo(timers(theirs)).hasSize(7);
        assertThat(timers(ours)).containsEntry(
                "spring.cloud.gateway.requests{httpMethod=GET, httpStatusCode=200, outcome=SUCCESSFUL, "
                        + "routeId=cache-service, routeUri=lb://cache-service, status=OK}",
                3L);
    }

    @Test
    void aTimerRemovedFromTheRegistryIsRegisteredAgainNotRecordedWhereNoOneReadsIt() {
        call(HttpMethod.GET, CACHE, answered(HttpStatus.OK));
        Timer first = ours.get(RouteTimingFilter.TIMER).timer();
        ours.remove(first);

        call(HttpMethod.GET, CACHE, answered(HttpStatus.OK));

        assertThat(ours.get(RouteTimingFilter.TIMER).timer().count()).isEqualTo(1);
        assertThat(first.count()).isEqualTo(1);
    }

    @Test
    void pastTheBoundEveryCallIsStillTimed() {
        for (int status = 0; status < RouteTimingFilter.MAX_KEPT + 10; status++) {
            call(HttpMethod.GET, CACHE, answered(HttpStatusCode.valueOf(100 + status % 900)));
            call(HttpMethod.valueOf("M" + status), CACHE, answered(HttpStatus.OK));
        }

        assertThat(timers(ours)).isEqualTo(timers(theirs));
    }

    /** The call through both filters, the reference inside ours, as both would stand in one chain. */
    private void call(HttpMethod method, Route route, GatewayFilterChain service) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, "/x").build());
        if (route != null) {
            FilterOrder.Attributes.ROUTE.put(exchange, route);
        }
        filter.filter(exchange, inner -> reference.filter(inner, service))
                .onErrorResume(error -> {
                    // What the error handler does: an answer of its own, after the chain ended.
                    exchange.getResponse().setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
                    return exchange.getResponse().setComplete();
                })
                .block();
        // An answer the chain left unsent goes out now, as the server would send it.
        exchange.getResponse().setComplete().block();
    }

    private static GatewayFilterChain answered(HttpStatusCode status) {
        return exchange -> {
            exchange.getResponse().setStatusCode(status);
            return exchange.getResponse().setComplete();
        };
    }

    /** The chain fails with nothing sent: the error handler answers 503 ({@link #call}). */
    private static GatewayFilterChain failed() {
        return exchange -> Mono.error(new IllegalStateException("the instance is down"));
    }

    private static GatewayFilterChain answeredWithoutStatus() {
        return exchange -> Mono.empty();
    }

    private static Map<String, Long> timers(MeterRegistry registry) {
        return registry.getMeters().stream().filter(meter -> meter instanceof Timer)
                .collect(Collectors.toMap(RouteTimingFilterTest::describe, meter -> ((Timer) meter).count(),
                        Long::sum, TreeMap::new));
    }

    private static String describe(Meter meter) {
        return meter.getId().getName() + meter.getId().getTags().stream()
                .map(tag -> tag.getKey() + "=" + tag.getValue()).collect(Collectors.joining(", ", "{", "}"));
    }
}
