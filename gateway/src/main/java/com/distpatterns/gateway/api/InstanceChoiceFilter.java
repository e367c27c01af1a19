package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.InstanceChooser;
import java.net.URI;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.DelegatingServiceInstance;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends a call on an {@code lb://service} route to an instance of that service, chosen by an {@link InstanceChooser}
 * on the caller's thread, where Spring Cloud Gateway's {@code ReactiveLoadBalancerClientFilter} would ask Spring
 * Cloud LoadBalancer through a chain of operators. What the call becomes is the same: the request URL with the
 * instance's scheme, host and port, the original URL kept, the chosen instance where that filter leaves it, and no
 * instance is 503 {@code /problems/no-instance} ({@link ProblemErrorHandler}). Spring Cloud LoadBalancer's lifecycle
 * callbacks (its optional statistics) are not called for these calls; the suite configures none.
 */
public final class InstanceChoiceFilter implements GlobalFilter, Ordered {

    private final InstanceChooser instances;

    public InstanceChoiceFilter(InstanceChooser instances) {
        this.instances = instances;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        URI url = FilterOrder.Attributes.REQUEST_URL.get(exchange);
        String schemePrefix = FilterOrder.Attributes.SCHEME_PREFIX.get(exchange);
        if (url == null || !("lb".equals(url.getScheme()) || "lb".equals(schemePrefix))) {
            return chain.filter(exchange);
        }
        String serviceId = url.getHost();
        ServiceInstance instance = instances.choose(serviceId);
        if (instance == null) {
            // As Spring Cloud Gateway's filter (use404=false): answered 503 no-instance by the error handler.
            return Mono.error(NotFoundException.create(false, "Unable to find instance for " + serviceId));
        }
        ServerWebExchangeUtils.addOriginalRequestUrl(exchange, url);
        String scheme = schemePrefix != null ? url.getScheme() : instance.isSecure() ? "https" : "http";
        URI chosen = LoadBalancerUriTools.reconstructURI(new DelegatingServiceInstance(instance, scheme),
                exchange.getRequest().getURI());
        FilterOrder.Attributes.REQUEST_URL.put(exchange, chosen);
        FilterOrder.Attributes.LOAD_BALANCER_RESPONSE.put(exchange, new DefaultResponse(instance));
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return FilterOrder.INSTANCE_CHOICE.order();
    }
}
