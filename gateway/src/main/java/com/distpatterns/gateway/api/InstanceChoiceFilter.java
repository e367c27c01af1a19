package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.InstanceChooser;
import java.net.URI;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends a call on an {@code lb://service} route to an instance of that service, chosen by an {@link InstanceChooser}
 * on the caller's thread, and makes the URL it goes to once: the request's raw path and query on the instance's
 * scheme, host and port.
 *
 * <p>It stands where Spring Cloud Gateway's {@code RouteToRequestUrlFilter} stands, and in its place (that filter's
 * bean is off: {@code spring.cloud.gateway.server.webflux.global-filter.route-to-request-url.enabled=false}; this one
 * takes its bean name, so that start-up fails rather than run both should that setting go missing). That filter built
 * an {@code lb://service/path} URL with a {@code UriComponentsBuilder} on every call (2.7 % of the gateway's CPU
 * samples under load, profile of the twenty-third session, docs/benchmarks.md) only for this one to read the service's
 * name from it and make the instance's URL from the request anyway. Every other route (a plain {@code http://} URL, a
 * scheme prefix such as {@code lb:ws://service}, a host name it cannot parse) still goes through that filter's own
 * code, called from here.
 *
 * <p>In place of Spring Cloud Gateway's {@code ReactiveLoadBalancerClientFilter}, which asks Spring Cloud LoadBalancer
 * through a chain of operators, a bean look-up for its lifecycle callbacks and a copy of the request's headers on
 * every call, then rebuilds the URL with a {@code UriComponentsBuilder} (that filter and Eureka's {@code getUri}
 * behind it: 5 % of the gateway's CPU samples under load). Without them the gateway proxied 4.5 to 10.8 % more GETs,
 * at 6 to 10 % less CPU each, in three alternating runs ({@code scripts/bench/gateway-ab.sh}, docs/benchmarks.md).
 * That filter stays in the chain, after this one, for the routes this one leaves to it.
 *
 * <p>What the call becomes is the same: the request's URL with the instance's scheme, host and port, the request's
 * own URL kept as the original (its path is what {@code X-Forwarded-Prefix} is worked out from, the same path the
 * {@code lb://} URL had), the chosen instance where Spring Cloud Gateway's filter leaves it, and no instance is 503
 * {@code /problems/no-instance} ({@link ProblemErrorHandler}). Spring Cloud LoadBalancer's lifecycle callbacks (its
 * optional statistics) are not called for these calls; the suite configures none.
 */
public final class InstanceChoiceFilter implements GlobalFilter, Ordered {

    private final InstanceChooser instances;
    /** Spring Cloud Gateway's own, for the routes that are not a plain {@code lb://service}. */
    private final RouteToRequestUrlFilter otherRoutes = new RouteToRequestUrlFilter();

    public InstanceChoiceFilter(InstanceChooser instances) {
        this.instances = instances;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = FilterOrder.Attributes.ROUTE.get(exchange);
        URI routeUri = route == null ? null : route.getUri();
        if (routeUri == null || !"lb".equalsIgnoreCase(routeUri.getScheme()) || routeUri.getHost() == null) {
            return otherRoutes.filter(exchange, chain);
        }
        String serviceId = routeUri.getHost();
        ServiceInstance instance = instances.choose(serviceId);
        if (instance == null) {
            // As Spring Cloud Gateway's filter (use404=false): answered 503 no-instance by the error handler.
            return Mono.error(NotFoundException.create(false, "Unable to find instance for " + serviceId));
        }
        URI request = exchange.getRequest().getURI();
        ServerWebExchangeUtils.addOriginalRequestUrl(exchange, request);
        FilterOrder.Attributes.REQUEST_URL.put(exchange, at(instance, request));
        FilterOrder.Attributes.LOAD_BALANCER_RESPONSE.put(exchange, new DefaultResponse(instance));
        return chain.filter(exchange);
    }

    /**
     * The request's URL on the instance: its raw path and query as they came (an encoded {@code /} in a key stays
     * encoded), as Spring Cloud LoadBalancer's {@code reconstructURI} makes it, without the builder.
     */
    static URI at(ServiceInstance instance, URI request) {
        String host = instance.getHost();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]"; // an IPv6 address
        }
        String path = request.getRawPath();
        String query = request.getRawQuery();
        return URI.create((instance.isSecure() ? "https://" : "http://") + host + ":" + instance.getPort()
                + (path == null ? "" : path) + (query == null ? "" : "?" + query));
    }

    @Override
    public int getOrder() {
        return FilterOrder.INSTANCE_CHOICE.order();
    }
}
