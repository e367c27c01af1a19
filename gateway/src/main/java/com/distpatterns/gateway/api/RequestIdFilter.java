package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.RequestIds;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an {@code X-Request-Id} and returns it on every response. The id reaches the service through
 * {@link OutgoingHeadersFilter}: a mutated request here would copy every request header once more per call.
 */
public final class RequestIdFilter extends NamedWebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = RequestIds.keepOrCreate(exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER));
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        FilterOrder.Attributes.REQUEST_ID.put(exchange, id);
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return FilterOrder.REQUEST_ID.order();
    }
}
