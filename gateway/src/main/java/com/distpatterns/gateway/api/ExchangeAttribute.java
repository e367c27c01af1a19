package com.distpatterns.gateway.api;

import org.springframework.web.server.ServerWebExchange;

/**
 * A typed exchange attribute one of the gateway's filters hands to another. Every one is declared in
 * {@link FilterOrder}, with the filter that writes it and those that read it.
 *
 * @param name the attribute's key in {@link ServerWebExchange#getAttributes()}
 * @param type what it holds
 */
public record ExchangeAttribute<T>(String name, Class<T> type) {

    /** The value, or {@code null} when the writing filter did not set it on this exchange. */
    public T get(ServerWebExchange exchange) {
        return type.cast(exchange.getAttributes().get(name));
    }

    public void put(ServerWebExchange exchange, T value) {
        exchange.getAttributes().put(name, type.cast(value));
    }
}
