package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.DelegatingServiceInstance;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The URL a call goes to: for a route to a service the one Spring Cloud LoadBalancer's {@code reconstructURI} makes,
 * byte for byte; for any other route the one Spring Cloud Gateway's {@code RouteToRequestUrlFilter} makes.
 */
class InstanceChoiceFilterTest {

    static final ServiceInstance PLAIN = new DefaultServiceInstance("a", "cache-service", "10.0.0.7", 8081, false);

    private final InstanceChoiceFilter filter = new InstanceChoiceFilter(
            serviceId -> "cache-service".equals(serviceId) ? PLAIN : null);

    private static MockServerWebExchange routed(String request, String routeUri) {
        MockServerWebExchange exchange = MockServerWebExchange
                .from(MockServerHttpRequest.method(HttpMethod.GET, URI.create(request)));
        FilterOrder.Attributes.ROUTE.put(exchange,
                Route.async().id("r").uri(routeUri).predicate(ignored -> true).build());
        return exchange;
    }

    /** Runs the filter and returns the exchange the rest of the chain gets. */
    private static MockServerWebExchange through(org.springframework.cloud.gateway.filter.GlobalFilter filter,
            MockServerWebExchange exchange) {
        filter.filter(exchange, ignored -> Mono.empty()).block();
        return exchange;
    }

    @Test
    void aCallOnARouteToAServiceGoesToAnInstanceWithTheRequestsRawPathAndQuery() {
        String request = "http://gw:8080/api/caches/c/entries/a%2Fb?x=%20y";
        MockServerWebExchange exchange = through(filter, routed(request, "lb://cache-service"));

        assertThat(FilterOrder.Attributes.REQUEST_URL.get(exchange))
                .hasToString("http://10.0.0.7:8081/api/caches/c/entries/a%2Fb?x=%20y");
        assertThat(((Response<?>) FilterOrder.Attributes.LOAD_BALANCER_RESPONSE.get(exchange)).getServer())
                .isSameAs(PLAIN);
        Set<URI> original = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
        assertThat(original).singleElement().extracting(URI::getRawPath).isEqualTo("/api/caches/c/entries/a%2Fb");
    }

    @Test
    void everyOtherRouteGetsTheUrlSpringCloudGatewaysOwnFilterMakes() {
        for (String routeUri : new String[] {"http://other:9000", "https://other", "lb:ws://cache-service",
                "forward:/local"}) {
            String request = "http://gw:8080/api/caches/c/entries/a%2Fb?x=%20y";
            MockServerWebExchange ours = through(filter, routed(request, routeUri));
            MockServerWebExchange theirs = through(new RouteToRequestUrlFilter(), routed(request, routeUri));

            assertThat(FilterOrder.Attributes.REQUEST_URL.get(ours)).as(routeUri)
                    .isEqualTo(FilterOrder.Attributes.REQUEST_URL.get(theirs)).isNotNull();
            assertThat(FilterOrder.Attributes.SCHEME_PREFIX.get(ours)).as(routeUri)
                    .isEqualTo(FilterOrder.Attributes.SCHEME_PREFIX.get(theirs));
            assertThat(FilterOrder.Attributes.LOAD_BALANCER_RESPONSE.get(ours)).isNull();
        }
    }

    @Test
    void aServiceWithNoInstanceIsNotFoundAndAnUnparsableServiceNameIsRefusedAsBefore() {
        assertThatThrownBy(() -> through(filter, routed("http://gw:8080/api/x", "lb://lock-service")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> through(filter, routed("http://gw:8080/api/x", "lb://lock_service")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Invalid host");
    }

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
