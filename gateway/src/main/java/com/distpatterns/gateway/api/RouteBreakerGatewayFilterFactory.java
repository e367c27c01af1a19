package com.distpatterns.gateway.api;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * Route filter {@code RouteBreaker=<name>}: the route's circuit breaker, bulkhead and time limit, the resilience4j
 * instances of that name ({@code resilience4j.circuitbreaker}, {@code .bulkhead}, {@code .timelimiter}: instance,
 * else the named config, else the default), looked up once, when the route is built.
 *
 * <p>It replaces Spring Cloud Gateway's {@code CircuitBreaker} filter, which goes through Spring Cloud
 * CircuitBreaker's {@code ReactiveResilience4JCircuitBreaker.run} on every call: three registry look-ups and tag maps
 * per call, a bulkhead, breaker, timeout, error-mapping and fallback operator each, and a {@code Mono.timeout} on
 * Reactor's parallel scheduler (a lock and another thread per call to set and cancel the timer). Here one operator
 * does all three: it asks the breaker and the bulkhead for a permit, records the outcome and duration on the breaker
 * itself ({@code onSuccess}, {@code onError}), and times the call on the Netty event loop of the caller's own
 * connection, where the call runs, so that setting and cancelling the timer touches no other thread. The route's
 * {@code response-timeout} metadata is no substitute: Spring Cloud Gateway applies it with {@code Flux.timeout} on
 * the same parallel scheduler.
 *
 * <p>What operators see stays as it was: the breakers, bulkheads and time limits keep their names, settings and
 * resilience4j meters (tagged {@code group=<name>} as Spring Cloud CircuitBreaker tagged them); an open breaker is
 * answered 503 {@code /problems/circuit-open} with {@code Retry-After}, a full bulkhead 503
 * {@code /problems/overloaded}, a call past its time limit 504 {@code /problems/upstream-timeout}
 * ({@link ProblemErrorHandler}). As before, a full bulkhead counts as a failed call on the breaker.
 */
public final class RouteBreakerGatewayFilterFactory
        extends AbstractGatewayFilterFactory<RouteBreakerGatewayFilterFactory.Config> {

    /** The tag Spring Cloud CircuitBreaker put on the meters of the instances it created. */
    private static final String GROUP_TAG = "group";

    private final CircuitBreakerRegistry breakers;
    private final BulkheadRegistry bulkheads;
    private final TimeLimiterRegistry timeLimiters;

    public RouteBreakerGatewayFilterFactory(CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads,
            TimeLimiterRegistry timeLimiters) {
        super(Config.class);
        this.breakers = breakers;
        this.bulkheads = bulkheads;
        this.timeLimiters = timeLimiters;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("name");
    }

    @Override
    public GatewayFilter apply(Config config) {
        String name = config.name();
        Map<String, String> tags = Map.of(GROUP_TAG, name);
        CircuitBreaker breaker = breakers.circuitBreaker(name,
                breakers.getConfiguration(name).orElseGet(breakers::getDefaultConfig), tags);
        Bulkhead bulkhead = bulkheads.bulkhead(name,
                bulkheads.getConfiguration(name).orElseGet(bulkheads::getDefaultConfig), tags);
        Duration timeLimit = timeLimiters
                .timeLimiter(name, timeLimiters.getConfiguration(name).orElseGet(timeLimiters::getDefaultConfig), tags)
                .getTimeLimiterConfig().getTimeoutDuration();
        return new RouteBreaker(breaker, bulkhead, timeLimit);
    }

    /** The filter of one route: the instances it guards its calls with, resolved once. */
    record RouteBreaker(CircuitBreaker breaker, Bulkhead bulkhead, Duration timeLimit) implements GatewayFilter {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
            return GuardedCall.of(chain.filter(exchange), breaker, bulkhead, timeLimit.toNanos(), timer(exchange));
        }

        @Override
        public String toString() {
            return "[RouteBreaker name = '" + breaker.getName() + "', timeLimit = " + timeLimit + "]";
        }
    }

    /**
     * The event loop of the caller's connection: the thread the gateway's filters run on, so the timer is set and
     * (in the common case) cancelled there without a lock or a wake-up. A server that is not Reactor Netty (none in
     * this application) falls back to Netty's one global timer thread.
     */
    static EventExecutor timer(ServerWebExchange exchange) {
        EventExecutor loop = eventLoop(exchange);
        return loop != null ? loop : GlobalEventExecutor.INSTANCE;
    }

    /** The event loop of the caller's connection, or null when the server is not Reactor Netty. */
    static EventExecutor eventLoop(ServerWebExchange exchange) {
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        return request instanceof Connection connection ? connection.channel().eventLoop() : null;
    }

    /** {@code name}: the resilience4j instances' name; the route's id when not given. */
    public static final class Config implements HasRouteId {

        private String name;
        private String routeId;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        @Override
        public void setRouteId(String routeId) {
            this.routeId = routeId;
        }

        @Override
        public String getRouteId() {
            return routeId;
        }

        String name() {
            String chosen = name == null || name.isBlank() ? routeId : name;
            if (chosen == null || chosen.isBlank()) {
                throw new IllegalArgumentException("RouteBreaker needs a name (or a route id)");
            }
            return chosen;
        }
    }
}
