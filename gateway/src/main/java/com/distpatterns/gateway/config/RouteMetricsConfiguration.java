package com.distpatterns.gateway.config;

import com.distpatterns.gateway.api.RouteTimingFilter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.gateway.route.RouteDefinitionLocator;
import org.springframework.cloud.gateway.route.RouteDefinitionMetrics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The per-route metrics Spring Cloud Gateway's metrics auto-configuration would make, made here instead: its own is
 * off ({@code spring.cloud.gateway.server.webflux.metrics.enabled=false}) so that {@link RouteTimingFilter} times the
 * calls. The filter takes the name of Spring Cloud Gateway's, so that start-up fails rather than time every call
 * twice should that setting go missing.
 */
@Configuration(proxyBeanMethods = false)
public class RouteMetricsConfiguration {

    /** {@code spring.cloud.gateway.requests}: every routed call, per route, method and status. */
    @Bean
    RouteTimingFilter gatewayMetricFilter(MeterRegistry registry) {
        return new RouteTimingFilter(registry);
    }

    /** {@code spring.cloud.gateway.routes.count}, as Spring Cloud Gateway would make it. */
    @Bean
    RouteDefinitionMetrics routeDefinitionMetrics(MeterRegistry registry, RouteDefinitionLocator routes) {
        return new RouteDefinitionMetrics(registry, routes, "spring.cloud.gateway");
    }
}
