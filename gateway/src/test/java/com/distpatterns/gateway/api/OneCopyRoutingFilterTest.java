package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The URL the routing filter hands to Reactor Netty: as Spring Cloud Gateway's {@code toASCIIString} would send it. */
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
}
