package com.distpatterns.gateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers of a routed call in one pass each way, doing what Spring Cloud Gateway's default header filters do
 * one copy at a time (four copies of the request's headers per call, 9 % of the gateway's CPU samples under load).
 *
 * <p>On the request, the one copy leaves out what those filters remove, in their order: {@code Forwarded} and every
 * {@code X-Forwarded-*} header (no proxy in front of the gateway is trusted: {@code RemoveForwardedHeadersFilter},
 * {@code RemoveXForwardedHeadersFilter}); {@code Content-Length} beside {@code Transfer-Encoding: chunked}
 * ({@code TransferEncodingNormalizationHeadersFilter}); the hop-by-hop headers and those the {@code Connection}
 * header names ({@code RemoveHopByHopHeadersFilter}, whose configured set is used); then it adds
 * {@code TE: trailers} to a gRPC call ({@code GRPCRequestHeadersFilter}) and does what {@link OutgoingHeadersFilter}
 * does (no API key; the request id and the trace context), writing into the headers it is handed: for a routed call,
 * a view of those of the request Netty sends. On the response, it removes the hop-by-hop headers in place from the
 * headers {@link OneCopyRoutingFilter} hands it: a view of the service's answer. {@code OneCopyHeadersTest} checks it
 * against those filters themselves.
 */
final class OneCopyHeaders {

    private final Set<String> hopByHop;
    private final OutgoingHeadersFilter outgoing;

    OneCopyHeaders(Set<String> hopByHop, OutgoingHeadersFilter outgoing) {
        this.hopByHop = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        this.hopByHop.addAll(hopByHop);
        this.outgoing = outgoing;
    }

    /** The request's side: the headers sent downstream. */
    Requests requests() {
        return new Requests();
    }

    /** The response's side: the headers returned to the caller. */
    HttpHeadersFilter responses() {
        return new HttpHeadersFilter() {
            @Override
            public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
                return response(input);
            }

            @Override
            public boolean supports(Type type) {
                return type == Type.RESPONSE;
            }
        };
    }

    /**
     * The request's side as a header filter, and as the routing filter uses it: written straight into the headers of
     * the outgoing request, through a view of them, so that the one copy is the one Netty sends.
     */
    final class Requests implements HttpHeadersFilter {

        @Override
        public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
            HttpHeaders copy = new HttpHeaders();
            copyInto(copy, input, exchange);
            return copy;
        }

        /** Adds the request's headers that go downstream to {@code target}, writable and empty. */
        void copyInto(HttpHeaders target, HttpHeaders input, ServerWebExchange exchange) {
            Set<String> dropped = withConnectionTokens(input);
            boolean chunked = "chunked".equalsIgnoreCase(trimmed(input.getFirst(HttpHeaders.TRANSFER_ENCODING)));
            input.forEach((name, values) -> {
                if (!(dropped.contains(name) || forwarded(name)
                        || (chunked && HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)))) {
                    target.addAll(name, values);
                }
            });
            String contentType = input.getFirst(HttpHeaders.CONTENT_TYPE);
            if (contentType != null && contentType.regionMatches(true, 0, "application/grpc", 0, 16)) {
                target.add(HttpHeaders.TE, "trailers");
            }
            outgoing.edit(target, exchange);
        }
    }

    private HttpHeaders response(HttpHeaders input) {
        Set<String> dropped = withConnectionTokens(input);
        // A look-up per hop-by-hop name (nine by default) rather than a case-insensitive set of the answer's names,
        // built on every call to be compared with them: 1.1 % of the gateway's CPU samples under load.
        List<String> present = null;
        for (String name : dropped) {
            if (input.containsHeader(name)) {
                if (present == null) {
                    present = new ArrayList<>(2);
                }
                present.add(name);
            }
        }
        if (present == null) {
            return input;
        }
        try {
            present.forEach(input::remove);
            return input;
        } catch (UnsupportedOperationException readOnly) {
            return copyWithout(input, dropped::contains);
        }
    }

    private static HttpHeaders copyWithout(HttpHeaders input, Predicate<String> dropped) {
        HttpHeaders copy = new HttpHeaders();
        input.forEach((name, values) -> {
            if (!dropped.test(name)) {
                copy.addAll(name, values);
            }
        });
        return copy;
    }

    /** The hop-by-hop headers, and the ones this message's {@code Connection} header names (rare: a new set then). */
    private Set<String> withConnectionTokens(HttpHeaders headers) {
        List<String> connection = headers.getConnection();
        if (connection.isEmpty()) {
            return hopByHop;
        }
        Set<String> dropped = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        dropped.addAll(hopByHop);
        dropped.addAll(connection);
        return dropped;
    }

    private static boolean forwarded(String name) {
        return name.equalsIgnoreCase("Forwarded") || name.regionMatches(true, 0, "X-Forwarded-", 0, 12);
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
