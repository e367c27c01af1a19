package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.RequestIds;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import java.util.Optional;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers of the request sent downstream: without {@code X-API-Key} (the key authenticates the caller to the
 * gateway; services never see it), with the request's {@code X-Request-Id} and the trace context.
 *
 * <p>The trace context is the gateway's server span's ({@code http.server.requests}, which continues the caller's
 * {@code traceparent}): the service's span is its child, in the same trace. Spring Cloud Gateway's own
 * observability would open a second, client observation per call for this (its span, a timer, a long-task timer, a
 * copy of the headers): measured at a tenth of the gateway's CPU per call, and off
 * ({@code spring.cloud.gateway.server.webflux.observability.enabled=false}).
 *
 * <p>A routed HTTP call gets this edit inside {@link OneCopyRoutingFilter}'s one copy of the headers; as a header
 * filter of its own it serves where the header filters run one by one.
 */
public final class OutgoingHeadersFilter implements HttpHeadersFilter, Ordered {

    private final Propagator propagator;

    /** @param propagator writes the trace context into the headers; {@code null} without tracing */
    public OutgoingHeadersFilter(Propagator propagator) {
        this.propagator = propagator;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        try {
            edit(input, exchange);
            return input;
        } catch (UnsupportedOperationException readOnly) {
            // Only if no header filter before this one copied the request's own, read-only headers (FilterOrder).
            HttpHeaders copy = new HttpHeaders();
            copy.putAll(input);
            edit(copy, exchange);
            return copy;
        }
    }

    /** Edits writable headers in place: {@link OneCopyHeaders} calls it on its own copy. */
    void edit(HttpHeaders headers, ServerWebExchange exchange) {
        headers.remove(ApiKeyFilter.HEADER);
        String requestId = FilterOrder.Attributes.REQUEST_ID.get(exchange);
        if (requestId != null) {
            headers.set(RequestIds.HEADER, requestId);
        }
        Span span = serverSpan(exchange);
        if (span != null) {
            propagator.inject(span.context(), headers, HttpHeaders::set);
        }
    }

    private Span serverSpan(ServerWebExchange exchange) {
        if (propagator == null) {
            return null;
        }
        return Optional.ofNullable(FilterOrder.Attributes.OBSERVATION.get(exchange))
                .map(context -> context.<TracingObservationHandler.TracingContext>get(
                        TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan)
                .orElse(null);
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }

    @Override
    public int getOrder() {
        return FilterOrder.OUTGOING_HEADERS.order();
    }
}
