package com.distpatterns.gateway.api;

import java.net.ConnectException;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpMethod;

/**
 * Route filter {@code RetryGetOnConnectFailure}: a GET whose connection to the chosen instance fails is sent once
 * more, through the load balancer again, so to another instance when there is one. Nothing reached the service, so
 * nothing happens twice; other methods, and failures after the connection, are not retried.
 *
 * <p>Spring Cloud Gateway's {@code Retry} filter configured the same way ({@code retries: 1, methods: GET,
 * exceptions: java.net.ConnectException}) wraps every call of every method in a {@code retryWhen} with a retry
 * context of its own: a few percent of the gateway's CPU per call. This one passes anything but a GET through
 * untouched and adds one {@code onErrorResume} to a GET.
 */
public final class RetryGetOnConnectFailureGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    public RetryGetOnConnectFailureGatewayFilterFactory() {
        super(Object.class);
    }

    @Override
    public GatewayFilter apply(Object config) {
        return (exchange, chain) -> {
            if (!HttpMethod.GET.equals(exchange.getRequest().getMethod())) {
                return chain.filter(exchange);
            }
            return chain.filter(exchange).onErrorResume(RetryGetOnConnectFailureGatewayFilterFactory::connectFailure,
                    failure -> {
                        // As the Retry filter does: drop the failed attempt's connection, response and routed mark.
                        ServerWebExchangeUtils.reset(exchange);
                        return chain.filter(exchange);
                    });
        };
    }

    static boolean connectFailure(Throwable failure) {
        return failure instanceof ConnectException || failure.getCause() instanceof ConnectException;
    }
}
