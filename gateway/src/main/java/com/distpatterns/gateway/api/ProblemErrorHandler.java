package com.distpatterns.gateway.api;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Every failure the gateway itself answers, as problem+json: no route, no instance, a service down, slow, or
 * cut off by its circuit breaker.
 */
@Order(-2)
public final class ProblemErrorHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorHandler.class);
    private static final Duration DEFAULT_RETRY = Duration.ofSeconds(5);

    private final ProblemWriter problems;
    private final CircuitBreakerRegistry breakers;

    public ProblemErrorHandler(ProblemWriter problems, CircuitBreakerRegistry breakers) {
        this.problems = problems;
        this.breakers = breakers;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        return problems.write(exchange, classify(exchange, failure));
    }

    Problem classify(ServerWebExchange exchange, Throwable failure) {
        Route route = FilterOrder.Attributes.ROUTE.get(exchange);
        String service = route == null ? "the service" : route.getUri().getHost();
        String routeId = route == null ? "" : route.getId();

        // RouteBreaker's open breaker; ServiceUnavailableException is Spring Cloud Gateway's CircuitBreaker filter's.
        if (failure instanceof CallNotPermittedException open) {
            return circuitOpen(service, openWait(open.getCausingCircuitBreakerName()));
        }
        if (failure instanceof ServiceUnavailableException) {
            return circuitOpen(service, openWait(routeId));
        }
        if (has(failure, BulkheadFullException.class)) {
            return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "overloaded",
                    "The gateway already has as many calls to " + service + " in flight as it allows; retry shortly.",
                    Duration.ofSeconds(1));
        }
        if (failure instanceof NotFoundException) {
            return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "no-instance",
                    "No instance of " + service + " is registered and healthy right now.", DEFAULT_RETRY);
        }
        if (has(failure, TimeoutException.class) || has(failure, io.netty.handler.timeout.TimeoutException.class)) {
            return new Problem(HttpStatus.GATEWAY_TIMEOUT, "upstream-timeout", service + " did not answer in time.");
        }
        if (has(failure, ConnectException.class) || has(failure, PrematureCloseException.class)
                || has(failure, AbortedException.class)) {
            return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "upstream-unreachable",
                    service + " could not be reached.", Duration.ofSeconds(1));
        }
        if (failure instanceof ResponseStatusException status) {
            HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
            if (code == HttpStatus.NOT_FOUND) {
                return new Problem(HttpStatus.NOT_FOUND, "no-route", "No route serves this path.");
            }
            if (code != null && code.is4xxClientError()) {
                return new Problem(code, "bad-request",
                        status.getReason() == null ? code.getReasonPhrase() : status.getReason());
            }
        }
        log.error("Gateway failure answered as 500 on {} {}", exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(), failure);
        return new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "gateway-error",
                "The gateway failed; the error is logged.");
    }

    private static Problem circuitOpen(String service, Duration wait) {
        return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "circuit-open",
                service + " is failing, so the gateway stopped calling it for a while (circuit breaker open).", wait);
    }

    private Duration openWait(String breakerName) {
        return breakers.find(breakerName)
                .map(breaker -> Duration
                        .ofMillis(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1)))
                .orElse(DEFAULT_RETRY);
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
