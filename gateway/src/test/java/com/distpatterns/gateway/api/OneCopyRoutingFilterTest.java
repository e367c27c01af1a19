package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;

/**
 * The URL the routing filter hands to Reactor Netty (as Spring Cloud Gateway's {@code toASCIIString} would send
 * it), and the names of the headers it hands on, as Spring Cloud Gateway records them.
 */
class OneCopyRoutingFilterTest {

    @Test
    void anAsciiUrlGoesAsItIsWithItsEncodedPartsKept() {
        URI url = URI.create("http://10.0.0.7:8081/api/caches/c/entries/a%2Fb?x=%20y");
        assertThat(OneCopyRoutingFilter.ascii(url)).isSameAs(url);
    }

    @Test
    void aCharacterOutsideAsciiIsSentPercentEncodedAsUtf8() {
        URI url = URI.create("http://10.0.0.7:8081/api/caches/c/entries/caf\u00e9?q=\u00fc");
        URI sent = OneCopyRoutingFilter.ascii(url);
        assertThat(sent.toString()).isEqualTo("http://10.0.0.7:8081/api/caches/c/entries/caf%C3%A9?q=%C3%BC");
        assertThat(sent.toString()).isEqualTo(url.toASCIIString());
    }

    @Test
    void theHeaderNamesHandedOnAreTheNettyAnswersCaseInsensitively() {
        DefaultHttpHeaders answer = new DefaultHttpHeaders();
        answer.add("Content-Type", "application/json");
        answer.add("Set-Cookie", "a=1");
        answer.add("Set-Cookie", "b=2");
        HttpHeaders handedOn = new HttpHeaders(new Netty4HeadersAdapter(answer));

        Set<String> names = new OneCopyRoutingFilter.HeaderNames(handedOn);

        assertThat(names.contains("content-type") && names.contains("SET-COOKIE")).isTrue();
        assertThat(names.contains("X-Request-Id") || names.contains(42)).isFalse();
        assertThat(names).hasSize(2).isEqualTo(handedOn.headerNames());
        assertThatThrownBy(() -> names.remove("Set-Cookie")).isInstanceOf(UnsupportedOperationException.class);
    }
}
