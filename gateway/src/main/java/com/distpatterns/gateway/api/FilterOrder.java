package com.distpatterns.gateway.api;

import java.net.URI;
import java.util.Set;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientResponse;
import reactor.util.context.ContextView;

/**
 * The order of the gateway's own filters, declared here and nowhere else, with why each stands where it does, and
 * the exchange attributes they hand each other: a filter reads only attributes that a filter before it writes
 * ({@code FilterOrderTest} checks it), so that moving one cannot silently leave another without its input.
 *
 * <p>The first four are {@code WebFilter}s: they run on every request, before Spring Cloud Gateway picks a route
 * (its routing, load balancing, breaker, retry and metrics filters run inside the last web handler, after all of
 * them). The next three are {@code GlobalFilter}s in that handler's chain. The last is an {@code HttpHeadersFilter}: it
 * shapes the headers of the request sent downstream, after Spring Cloud Gateway's own header filters.
 */
public enum FilterOrder {

    /**
     * First, so that every answer carries an {@code X-Request-Id}, the refusals of the filters below included.
     * Writes the id for the outgoing request instead of copying the request's headers to add it there.
     */
    REQUEST_ID(Ordered.HIGHEST_PRECEDENCE, Set.of(), Set.of(Attributes.REQUEST_ID)),

    /** Before anything reads the path: a path that could mean something else downstream goes no further. */
    PATH_GUARD(Ordered.HIGHEST_PRECEDENCE + 1, Set.of(), Set.of()),

    /** Before the rate limit, which counts per client: names the client when it presented a valid key. */
    API_KEY(Ordered.HIGHEST_PRECEDENCE + 2, Set.of(), Set.of(Attributes.CLIENT)),

    /** After the key check: a caller without a valid key never spends tokens, and a keyed one spends its own. */
    RATE_LIMIT(Ordered.HIGHEST_PRECEDENCE + 3, Set.of(Attributes.CLIENT), Set.of()),

    /**
     * A {@code GlobalFilter}: holds the Reactor context for every filter below it. Above Spring Cloud Gateway's
     * {@code NettyWriteResponseFilter} (-1), whose writing of the response asks for the context most, and every other
     * filter that does; only {@code RemoveCachedBodyFilter} ({@code HIGHEST_PRECEDENCE}) is above it.
     */
    CACHED_CONTEXT(Ordered.HIGHEST_PRECEDENCE + 4, Set.of(), Set.of()),

    /**
     * A {@code GlobalFilter}: times the routed call on its route. Where Spring Cloud Gateway's own metrics filter
     * stands (0), around every route filter (the breaker, the retry) and the routing, so that it times what the
     * caller waits for.
     */
    ROUTE_TIMING(0, Set.of(Attributes.ROUTE), Set.of()),

    /**
     * A {@code GlobalFilter}, inside Spring Cloud Gateway's chain: turns the route's {@code lb://service} URL into an
     * instance's address, in place of Spring Cloud Gateway's {@code RouteToRequestUrlFilter} (10000), whose order it
     * takes and whose code it runs for every other route; before {@code ReactiveLoadBalancerClientFilter} (10150),
     * which then finds nothing left to do.
     */
    INSTANCE_CHOICE(RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER, Set.of(Attributes.ROUTE),
            Set.of(Attributes.REQUEST_URL, Attributes.SCHEME_PREFIX, Attributes.LOAD_BALANCER_RESPONSE)),

    /**
     * The outgoing request's headers: drops {@code X-API-Key} (the key authenticates the caller to the gateway;
     * services never see it) and adds the request id. Last among the header filters, after Spring Cloud Gateway's
     * {@code RemoveHopByHopHeadersFilter} ({@code LOWEST_PRECEDENCE - 1}), which hands on a fresh, writable copy: so
     * the headers are edited in place rather than copied once more. A routed HTTP call does all of that in
     * {@link OneCopyRoutingFilter}'s one copy; this order holds where the header filters run one by one.
     */
    OUTGOING_HEADERS(Ordered.LOWEST_PRECEDENCE, Set.of(Attributes.REQUEST_ID, Attributes.OBSERVATION), Set.of());

    /** The attributes the filters above hand each other, typed. */
    public static final class Attributes {

        /** The request's id: the caller's own when sane, else a fresh one. */
        public static final ExchangeAttribute<String> REQUEST_ID = new ExchangeAttribute<>(
                FilterOrder.class.getName() + ".requestId", String.class);

        /** The caller's identity for rate limiting ({@code key:<digest prefix>}), when it presented a valid key. */
        public static final ExchangeAttribute<String> CLIENT = new ExchangeAttribute<>(
                FilterOrder.class.getName() + ".client", String.class);

        /** Written by Spring WebFlux before any filter: the server's observation of this request (its trace span). */
        public static final ExchangeAttribute<ServerRequestObservationContext> OBSERVATION = new ExchangeAttribute<>(
                ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE,
                ServerRequestObservationContext.class);

        /**
         * Written by Spring Cloud Gateway once it picked a route, after the web filters above and before any
         * {@code GlobalFilter}: read by {@link FilterOrder#ROUTE_TIMING} and by error handling.
         */
        public static final ExchangeAttribute<Route> ROUTE = new ExchangeAttribute<>(
                ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, Route.class);

        /**
         * Written by {@link FilterOrder#INSTANCE_CHOICE}: where the call goes. For an {@code lb://service} route the
         * chosen instance's URL with the request's path; for any other route the route's URL with the request's path
         * (Spring Cloud Gateway's {@code RouteToRequestUrlFilter}, which that filter runs for them).
         */
        public static final ExchangeAttribute<URI> REQUEST_URL = new ExchangeAttribute<>(
                ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, URI.class);

        /**
         * Written by {@code RouteToRequestUrlFilter} (run by {@link FilterOrder#INSTANCE_CHOICE}) for a route URL such
         * as {@code lb:ws://service}: {@code lb}.
         */
        public static final ExchangeAttribute<String> SCHEME_PREFIX = new ExchangeAttribute<>(
                ServerWebExchangeUtils.GATEWAY_SCHEME_PREFIX_ATTR, String.class);

        /** The chosen instance, where Spring Cloud Gateway's load-balancer filter leaves it for the filters after. */
        @SuppressWarnings("rawtypes")
        public static final ExchangeAttribute<Response> LOAD_BALANCER_RESPONSE = new ExchangeAttribute<>(
                ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR, Response.class);

        /** Set by a route's {@code PreserveHostHeader} filter: the call goes with the caller's {@code Host}. */
        public static final ExchangeAttribute<Boolean> PRESERVE_HOST = new ExchangeAttribute<>(
                ServerWebExchangeUtils.PRESERVE_HOST_HEADER_ATTRIBUTE, Boolean.class);

        /**
         * Written by the routing filter ({@link OneCopyRoutingFilter}, last) for Spring Cloud Gateway's filters that
         * write the response back: the service's answer and its connection, its {@code Content-Type} and the names
         * of the headers passed on.
         */
        public static final ExchangeAttribute<HttpClientResponse> CLIENT_RESPONSE = new ExchangeAttribute<>(
                ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR, HttpClientResponse.class);

        public static final ExchangeAttribute<Connection> CLIENT_RESPONSE_CONNECTION = new ExchangeAttribute<>(
                ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR, Connection.class);

        public static final ExchangeAttribute<String> ORIGINAL_CONTENT_TYPE = new ExchangeAttribute<>(
                ServerWebExchangeUtils.ORIGINAL_RESPONSE_CONTENT_TYPE_ATTR, String.class);

        @SuppressWarnings("rawtypes")
        public static final ExchangeAttribute<Set> CLIENT_RESPONSE_HEADER_NAMES = new ExchangeAttribute<>(
                ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES, Set.class);

        /**
         * Written by Spring Cloud Gateway's handler mapping before it looks a route up: the Reactor context of that
         * look-up, which {@link ImmediateRouteLookup} hands to the routes' predicates.
         */
        public static final ExchangeAttribute<ContextView> LOOKUP_CONTEXT = new ExchangeAttribute<>(
                ServerWebExchangeUtils.GATEWAY_REACTOR_CONTEXT_ATTR, ContextView.class);

        /**
         * Written by the route look-up ({@link ImmediateRouteLookup}) before it tests each route: the id of the route
         * whose predicate is being asked, for the predicates that read it.
         */
        public static final ExchangeAttribute<String> PREDICATE_ROUTE = new ExchangeAttribute<>(
                ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR, String.class);

        /**
         * What the frameworks write, not one of the filters above: there before the filter that reads it runs (the
         * observation before the first; the route before {@link FilterOrder#ROUTE_TIMING}).
         */
        public static final Set<ExchangeAttribute<?>> FROM_FRAMEWORK = Set.of(OBSERVATION, ROUTE);

        private Attributes() {}
    }

    private final int order;
    private final Set<ExchangeAttribute<?>> reads;
    private final Set<ExchangeAttribute<?>> writes;

    FilterOrder(int order, Set<ExchangeAttribute<?>> reads, Set<ExchangeAttribute<?>> writes) {
        this.order = order;
        this.reads = reads;
        this.writes = writes;
    }

    /** The filter's {@link Ordered#getOrder()}. */
    public int order() {
        return order;
    }

    /** The attributes this filter reads: each written by a filter before it. */
    public Set<ExchangeAttribute<?>> reads() {
        return reads;
    }

    /** The attributes this filter writes. */
    public Set<ExchangeAttribute<?>> writes() {
        return writes;
    }
}
