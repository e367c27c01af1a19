package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.InstanceChooser;
import java.net.URI;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends a call on an {@code lb://service} route to an instance of that service, chosen by an {@link InstanceChooser}
 * on the caller's thread, where Spring Cloud Gateway's {@code ReactiveLoadBalancerClientFilter} asks Spring Cloud
 * LoadBalancer through a chain of operators, a bean look-up for its lifecycle callbacks and a copy of the request's
 * headers on every call, then rebuilds the URL with a {@code UriComponentsBuilder} (that filter and Eureka's
 * {@code getUri} behind it: 5 % of the gateway's CPU samples under load). Without them the gateway proxied 4.5 to
 * 10.8 % more GETs, at 6 to 10 % less CPU each, in three alternating runs ({@code scripts/bench/gateway-ab.sh},
 * docs/benchmarks.md).
 *
 * <p>What the call becomes is the same: the request's URL with the instance's scheme, host and port, the original
 * URL kept, the chosen instance where that filter leaves it, and no instance is 503 {@code /problems/no-instance}
 * ({@link ProblemErrorHandler}). Spring Cloud LoadBalancer's lifecycle callbacks (its optional statistics) are not
 * called for these calls; the suite configures none. A route such as {@code lb:ws://service} (a scheme prefix) is
 * left to Spring Cloud Gateway's filter, which stays in the chain after this one.
 */
public final class InstanceChoiceFilter implements GlobalFilter, Ordered {

    private final InstanceChooser instances;

    public InstanceChoiceFilter(InstanceChooser instances) {
        this.instances = instances;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        URI url = FilterOrder.Attributes.REQUEST_URL.get(exchange);
        if (url == null || !"lb".equals(url.getScheme())
                || FilterOrder.Attributes.SCHEME_PREFIX.get(exchange) != null) {
            return chain.filter(exchange);
        }
        String serviceId = url.getHost();
        ServiceInstance instance = serviceId == null ? null : instances.choose(serviceId);
        if (instance == null) {
            // As Spring Cloud Gateway's filter (use404=false): answered 503 no-instance by the error handler.
            return Mono.error(NotFoundException.create(false, "Unable to find instance for " + serviceId));
        }
        ServerWebExchangeUtils.addOriginalRequestUrl(exchange, url);
        FilterOrder.Attributes.REQUEST_URL.put(exchange, at(instance, exchange.getRequest().getURI()));
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
