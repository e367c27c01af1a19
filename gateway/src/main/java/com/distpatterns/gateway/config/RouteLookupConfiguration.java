package com.distpatterns.gateway.config;

import com.distpatterns.gateway.api.ImmediateRouteLookup;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.accept.ApiVersionStrategy;

/**
 * How a request finds its route: {@link ImmediateRouteLookup} in place of Spring Cloud Gateway's handler mapping,
 * under its bean name, so that its auto-configuration steps aside.
 */
@Configuration(proxyBeanMethods = false)
public class RouteLookupConfiguration {

    @Bean
    RoutePredicateHandlerMapping routePredicateHandlerMapping(FilteringWebHandler webHandler,
            RouteLocator routeLocator, GlobalCorsProperties globalCorsProperties, Environment environment,
            ObjectProvider<ApiVersionStrategy> apiVersionStrategy) {
        ImmediateRouteLookup lookup = new ImmediateRouteLookup(webHandler, routeLocator, globalCorsProperties,
                environment);
        apiVersionStrategy.ifAvailable(lookup::setApiVersionStrategy);
        return lookup;
    }
}
