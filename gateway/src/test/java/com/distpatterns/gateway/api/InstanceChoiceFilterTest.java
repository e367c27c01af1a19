package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.cloud.gateway.support.DelegatingServiceInstance;

/** The URL a call goes to: the one Spring Cloud LoadBalancer's {@code reconstructURI} makes, byte for byte. */
class InstanceChoiceFilterTest {

    static final ServiceInstance PLAIN = new DefaultServiceInstance("a", "cache-service", "10.0.0.7", 8081, false);

    @Test
    void theRequestsRawPathAndQueryGoToTheInstance() {
        for (String request : new String[] {"http://gw:8080/api/caches/c/entries/k1",
                "http://gw:8080/api/caches/c/entries/a%2Fb", "http://gw:8080/api/kv?prefix=a%20b&limit=50",
                "http://gw:8080/api/caches/c/entries/%C3%A9t%C3%A9", "http://gw:8080/v3/api-docs"}) {
            URI original = URI.create(request);
            assertThat(InstanceChoiceFilter.at(PLAIN, original)).as(request)
                    .isEqualTo(LoadBalancerUriTools.reconstructURI(new DelegatingServiceInstance(PLAIN, "http"),
                            original))
                    .hasToString(request.replace("gw:8080", "10.0.0.7:8081"));
        }
    }

    @Test
    void aSecureInstanceIsCalledOverHttpsAndAnIpv6AddressIsBracketed() {
        URI original = URI.create("http://gw:8080/api/locks/l1");
        ServiceInstance secure = new DefaultServiceInstance("b", "lock-service", "10.0.0.8", 8443, true);
        ServiceInstance ipv6 = new DefaultServiceInstance("c", "lock-service", "fd00::1", 8082, false);

        assertThat(InstanceChoiceFilter.at(secure, original)).hasToString("https://10.0.0.8:8443/api/locks/l1");
        assertThat(InstanceChoiceFilter.at(ipv6, original)).hasToString("http://[fd00::1]:8082/api/locks/l1");
        assertThat(InstanceChoiceFilter.at(ipv6, original).getHost()).isEqualTo("[fd00::1]");
    }
}
