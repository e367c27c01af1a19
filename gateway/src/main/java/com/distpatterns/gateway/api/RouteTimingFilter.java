package com.distpatterns.gateway.api;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Times every routed call in {@code spring.cloud.gateway.requests}, with the name and tags Spring Cloud Gateway's
 * {@code GatewayMetricsFilter} gives it ({@code routeId}, {@code routeUri}, {@code httpMethod}, {@code httpStatusCode},
 * {@code status}, {@code outcome}), which the rules and alerts of ops/prometheus read. That filter builds its tags
 * from three providers, merges them, and looks the timer up in the registry by name and tags on every call (2 % of
 * the gateway's CPU samples under load, docs/benchmarks.md); this one looks each timer up once per route, method and
 * status and keeps it. {@code RouteTimingFilterTest} runs both filters on the same calls and compares what they
 * record.
 *
 * <p>The timer stops as that filter's does: when the chain ends, or, if the answer is not yet sent then (an error the
 * error handler turns into a 503), just before it is, so the status recorded is the one the caller gets.
 */
public final class RouteTimingFilter implements GlobalFilter, Ordered {

    /** The timer's name: Spring Cloud Gateway's default prefix and its {@code .requests}. */
    public static final String TIMER = "spring.cloud.gateway.requests";

    /**
     * More than any real mix of routes, methods and statuses. A caller can make up methods, and a service statuses:
     * past this, timers are looked up on each call, as Spring Cloud Gateway does, and none is kept here.
     */
    static final int MAX_KEPT = 4096;

    private final MeterRegistry registry;
    private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

    /** What the tags are made of; {@code status} -1 when the answer has none. */
    private record Key(String routeId, String routeUri, String method, int status) {

        /** Spring Cloud Gateway's tags, value for value: no status is {@code CUSTOM}/{@code NA}, an unknown one its number. */
        Tags tags() {
            String outcome = "CUSTOM";
            String name = "CUSTOM";
            String code = "NA";
            if (status >= 0) {
                code = String.valueOf(status);
                name = code;
                HttpStatus known = HttpStatus.resolve(status);
                if (known != null) {
                    outcome = known.series().name();
                    name = known.name();
                }
            }
            Tags tags = Tags.of("outcome", outcome, "status", name, "httpStatusCode", code, "httpMethod", method);
            return routeId == null ? tags : tags.and("routeId", routeId, "routeUri", routeUri);
        }
    }

    public RouteTimingFilter(MeterRegistry registry) {
        this.registry = registry;
        // A timer removed from the registry must not keep recording where no one reads it.
        registry.config().onMeterRemoved(this::forget);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Timer.Sample sample = Timer.start(registry);
        return chain.filter(exchange).doOnTerminate(() -> stopWhenSent(exchange, sample));
    }

    private void stopWhenSent(ServerWebExchange exchange, Timer.Sample sample) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            stop(exchange, sample);
        } else {
            response.beforeCommit(() -> {
                stop(exchange, sample);
                return Mono.empty();
            });
        }
    }

    private void stop(ServerWebExchange exchange, Timer.Sample sample) {
        Route route = FilterOrder.Attributes.ROUTE.get(exchange);
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        Key key = new Key(route == null ? null : route.getId(), route == null ? null : route.getUri().toString(),
                exchange.getRequest().getMethod().name(), status == null ? -1 : status.value());
        Timer timer = timers.get(key);
        sample.stop(timer != null ? timer : register(key));
    }

    private Timer register(Key key) {
        Timer timer = registry.timer(TIMER, key.tags());
        if (timers.size() < MAX_KEPT) {
            timers.putIfAbsent(key, timer);
        }
        return timer;
    }

    private void forget(Meter removed) {
        timers.values().removeIf(timer -> timer.getId().equals(removed.getId()));
    }

    @Override
    public int getOrder() {
        return FilterOrder.ROUTE_TIMING.order();
    }
}
