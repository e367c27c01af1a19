package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.GRPCResponseHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/**
 * {@link OneCopyRoutingFilter}'s one copy of the headers against Spring Cloud Gateway's default header filters
 * themselves, run in turn as its own routing filter runs them: the same headers must come out, each way.
 */
class OneCopyHeadersTest {

    private static final OutgoingHeadersFilter OUTGOING = new OutgoingHeadersFilter(null);

    /** Spring Cloud Gateway's header filters with no trusted proxies, as its auto-configuration makes them, and ours. */
    private static List<HttpHeadersFilter> defaults() {
        List<HttpHeadersFilter> filters = new ArrayList<>(List.of(new RemoveForwardedHeadersFilter(),
                new RemoveXForwardedHeadersFilter(), new TransferEncodingNormalizationHeadersFilter(),
                new RemoveHopByHopHeadersFilter(), new GRPCRequestHeadersFilter(), new GRPCResponseHeadersFilter(),
                OUTGOING));
        AnnotationAwareOrderComparator.sort(filters);
        return filters;
    }

    @Test
    void theDefaultsAreReplacedByOneFilterEachWayAroundTheResponseOnlyOnes() {
        List<HttpHeadersFilter> chosen = OneCopyRoutingFilter.choose(defaults());

        assertThat(chosen).hasSize(3);
        assertThat(chosen.stream().filter(filter -> filter.supports(HttpHeadersFilter.Type.REQUEST))).hasSize(1);
        assertThat(chosen.get(1)).isInstanceOf(GRPCResponseHeadersFilter.class);
    }

    @Test
    void withATrustedProxyEveryFilterStaysAsItIs() {
        List<HttpHeadersFilter> filters = new ArrayList<>(defaults());
        filters.removeIf(filter -> filter instanceof RemoveXForwardedHeadersFilter);
        filters.add(new XForwardedHeadersFilter(".*"));

        assertThat(OneCopyRoutingFilter.choose(filters)).isSameAs(filters);
    }

    @Test
    void anEverydayRequestLosesOnlyItsApiKeyAndGainsItsRequestId() {
        assertSameRequestHeaders(MockServerHttpRequest.get("http://gateway/api/caches/c/entries/k")
                .header("Host", "gateway:8080")
                .header("Accept", "application/json", "text/plain")
                .header("User-Agent", "curl/8")
                .header("X-API-Key", "secret")
                .header("X-Request-Id", "from-the-caller")
                .header("X-Custom", "kept"));
    }

    @Test
    void forwardedHeadersFromAnUntrustedCallerAreDropped() {
        assertSameRequestHeaders(MockServerHttpRequest.get("http://gateway/api/locks/l")
                .header("Forwarded", "for=203.0.113.9;proto=https")
                .header("X-Forwarded-For", "203.0.113.9")
                .header("x-forwarded-proto", "https")
                .header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Prefix", "/x")
                .header("X-Forwarder", "not one of them"));
    }

    @Test
    void hopByHopHeadersAndTheOnesConnectionNamesAreDropped() {
        assertSameRequestHeaders(MockServerHttpRequest.get("http://gateway/api/tasks/1")
                .header("Connection", "keep-alive, X-Hop")
                .header("Keep-Alive", "timeout=5")
                .header("x-hop", "private to this hop")
                .header("Proxy-Authorization", "Basic x")
                .header("Proxy-Authenticate", "Basic")
                .header("TE", "gzip")
                .header("Trailer", "Expires")
                .header("Upgrade", "h2c")
                .header("X-Application-Context", "app")
                .header("X-Kept", "yes"));
    }

    @Test
    void aChunkedBodyLosesItsContentLengthAnotherEncodingKeepsIt() {
        assertSameRequestHeaders(MockServerHttpRequest.post("http://gateway/api/tasks")
                .header("Transfer-Encoding", " Chunked ")
                .header("Content-Length", "12")
                .header("Content-Type", "application/json"));
        assertSameRequestHeaders(MockServerHttpRequest.post("http://gateway/api/tasks")
                .header("Transfer-Encoding", "gzip")
                .header("Content-Length", "12"));
    }

    @Test
    void aGrpcCallAsksForTrailers() {
        assertSameRequestHeaders(MockServerHttpRequest.post("http://gateway/api/rpc")
                .header("Content-Type", "application/grpc+proto")
                .header("TE", "gzip"));
    }

    @Test
    void theResponseLosesItsHopByHopHeadersOnly() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://gateway/"));
        HttpHeaders response = new HttpHeaders();
        response.add("Connection", "close, X-Hop");
        response.add("X-Hop", "private");
        response.add("Keep-Alive", "timeout=5");
        response.add("Transfer-Encoding", "chunked");
        response.add("Content-Type", "application/json");
        response.add("Cache-TTL-Remaining", "42");
        response.add("Set-Cookie", "a=1");
        response.add("Set-Cookie", "b=2");

        HttpHeaders expected = HttpHeadersFilter.filter(defaults(), copy(response), exchange,
                HttpHeadersFilter.Type.RESPONSE);
        HttpHeaders actual = HttpHeadersFilter.filter(OneCopyRoutingFilter.choose(defaults()), copy(response),
                exchange, HttpHeadersFilter.Type.RESPONSE);

        assertThat(sorted(actual)).isEqualTo(sorted(expected)).containsOnlyKeys("cache-ttl-remaining",
                "content-type", "set-cookie");
        HttpHeaders untouched = new HttpHeaders();
        untouched.add("Content-Type", "application/json");
        assertThat(HttpHeadersFilter.filter(OneCopyRoutingFilter.choose(defaults()), untouched, exchange,
                HttpHeadersFilter.Type.RESPONSE)).as("nothing to drop: no copy").isSameAs(untouched);
    }

    private static void assertSameRequestHeaders(MockServerHttpRequest.BaseBuilder<?> request) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        FilterOrder.Attributes.REQUEST_ID.put(exchange, "req-1");

        HttpHeaders expected = HttpHeadersFilter.filterRequest(defaults(), exchange);
        HttpHeaders actual = HttpHeadersFilter.filterRequest(OneCopyRoutingFilter.choose(defaults()), exchange);

        assertThat(sorted(actual)).isEqualTo(sorted(expected));
        assertThat(actual.getFirst("X-Request-Id")).isEqualTo("req-1");
        assertThat(actual.containsHeader("X-API-Key")).isFalse();

        // As a routed call uses it: written into the headers of Netty's outgoing request, through a view of them.
        OneCopyHeaders.Requests oneCopy = (OneCopyHeaders.Requests) OneCopyRoutingFilter.choose(defaults()).getFirst();
        DefaultHttpHeaders sent = new DefaultHttpHeaders();
        oneCopy.copyInto(new HttpHeaders(new Netty4HeadersAdapter(sent)), exchange.getRequest().getHeaders(), exchange);
        assertThat(sorted(new HttpHeaders(new Netty4HeadersAdapter(sent)))).isEqualTo(sorted(expected));
    }

    private static HttpHeaders copy(HttpHeaders headers) {
        HttpHeaders copy = new HttpHeaders();
        copy.addAll(headers);
        return copy;
    }

    /** Name (lower case) to values, in the order each header's values came. */
    private static Map<String, List<String>> sorted(HttpHeaders headers) {
        Map<String, List<String>> byName = new TreeMap<>();
        headers.forEach((name, values) -> byName.computeIfAbsent(name.toLowerCase(java.util.Locale.ROOT),
                key -> new ArrayList<>()).addAll(values));
        return byName;
    }
}
