package com.distpatterns.gateway.config;

import com.distpatterns.gateway.api.ImmediateRouteLookup;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScopeRefreshedEvent;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.accept.ApiVersionStrategy;

/**
 * How a request finds its route: {@link ImmediateRouteLookup} in place of Spring Cloud Gateway's handler mapping,
 * under its bean name, so that its auto-configuration steps aside; and when the routes are read: at start-up and
 * after a configuration refresh, not on every discovery fetch.
 *
 * <p>Spring Cloud Gateway's {@code RouteRefreshListener} rebuilds every route (each filter's configuration bound
 * again) whenever a discovery client's heartbeat changes, and Eureka's client sends a new one after each registry
 * fetch: every 5 s here. The routes' {@code lb://} services are resolved per call ({@code InstanceChoiceFilter}), so
 * a rebuild changed nothing, and it cost a burst of CPU every 5 s: in a flight recording at a fixed 4,000 req/s, the
 * 4-5 % of the time when it ran (the 100 ms it was seen in, and the next) held 14-30 % of the requests slower than
 * the p99 (docs/benchmarks.md, twentieth session). Its listener is off
 * ({@code spring.cloud.gateway.server.webflux.route-refresh-listener.enabled}); the refreshes it made at start-up and
 * after a configuration refresh are made here.
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

    /** The routes read once the application has started, and again after a configuration refresh. */
    @Bean
    RoutesReadOnConfiguration routesReadOnConfiguration(ApplicationEventPublisher publisher) {
        return new RoutesReadOnConfiguration(publisher);
    }

    /**
     * Publishes the refresh that has the caching locator read the routes and the look-up take them: at start-up and
     * after a refresh of the configuration the routes come from, as Spring Cloud Gateway's listener did.
     */
    static final class RoutesReadOnConfiguration implements ApplicationListener<ApplicationEvent> {

        private final ApplicationEventPublisher publisher;

        RoutesReadOnConfiguration(ApplicationEventPublisher publisher) {
            this.publisher = publisher;
        }

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            if (event instanceof ApplicationStartedEvent || event instanceof RefreshScopeRefreshedEvent) {
                publisher.publishEvent(new RefreshRoutesEvent(this));
            }
        }
    }
}
