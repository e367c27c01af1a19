package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.RequestIds;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Gives every request an {@code X-Request-Id}, passes it downstream and returns it on every response. */
public final class RequestIdFilter implements WebFilter, Ordered {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String id = RequestIds.keepOrCreate(exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER));
    exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
    ServerWebExchange withId = exchange.mutate()
        .request(request -> request.headers(headers -> headers.set(RequestIds.HEADER, id)))
        .build();
    return chain.filter(withId);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
