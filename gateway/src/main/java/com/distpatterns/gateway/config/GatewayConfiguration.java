package com.distpatterns.gateway.config;

import com.distpatterns.gateway.api.ApiKeyFilter;
import com.distpatterns.gateway.api.CachedContextFilter;
import com.distpatterns.gateway.api.InstanceChoiceFilter;
import com.distpatterns.gateway.api.OneCopyRoutingFilter;
import com.distpatterns.gateway.api.OutgoingHeadersFilter;
import com.distpatterns.gateway.api.PathGuardFilter;
import com.distpatterns.gateway.api.ProblemErrorHandler;
import com.distpatterns.gateway.api.ProblemWriter;
import com.distpatterns.gateway.api.RateLimitFilter;
import com.distpatterns.gateway.api.RefusedRequestProblem;
import com.distpatterns.gateway.api.RequestIdFilter;
import com.distpatterns.gateway.api.RetryGetOnConnectFailureGatewayFilterFactory;
import com.distpatterns.gateway.api.RouteBreakerGatewayFilterFactory;
import com.distpatterns.gateway.api.UnparsableUriProblem;
import com.distpatterns.gateway.core.ApiKeys;
import com.distpatterns.gateway.core.InstanceChooser;
import com.distpatterns.gateway.core.LeasingRateLimiter;
import com.distpatterns.gateway.core.RateLimitDecision;
import com.distpatterns.gateway.core.RateLimiter;
import com.distpatterns.gateway.core.TokenSource;
import com.distpatterns.gateway.infra.DiscoveryInstanceChooser;
import com.distpatterns.gateway.infra.RedisTokenBucket;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's own filters and error handling, around Spring Cloud Gateway's routing. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GatewayConfiguration.class);

    @Bean
    ProblemWriter problemWriter(JsonMapper json) {
        return new ProblemWriter(json);
    }

    @Bean
    ProblemErrorHandler problemErrorHandler(ProblemWriter problems, CircuitBreakerRegistry breakers) {
        return new ProblemErrorHandler(problems, breakers);
    }

    @Bean
    ApiKeys apiKeys(GatewayProperties properties) {
        ApiKeys keys = new ApiKeys(properties.apiKeys());
        if (keys.open()) {
            log.warn("No API keys configured (GATEWAY_API_KEYS): the gateway is open to every caller");
        } else {
            log.info("API keys required on /api/**: {} configured", properties.apiKeys().size());
        }
        return keys;
    }

    @Bean
    RequestIdFilter requestIdFilter() {
        return new RequestIdFilter();
    }

    /** Holds the Reactor context once for every filter of a routed call below it. */
    @Bean
    CachedContextFilter cachedContextFilter() {
        return new CachedContextFilter();
    }

    /** Drops the API key from, and adds the request id and the trace context to, the request sent downstream. */
    @Bean
    OutgoingHeadersFilter outgoingHeadersFilter(ObjectProvider<Propagator> propagator) {
        return new OutgoingHeadersFilter(propagator.getIfAvailable());
    }

    /**
     * Spring Cloud Gateway's routing filter with a routed call's headers copied once, not once per header filter. Its
     * own bean is off ({@code spring.cloud.gateway.server.webflux.global-filter.netty-routing.enabled=false}); this one
     * takes its name, so that start-up fails rather than route twice should that setting go missing.
     */
    @Bean
    OneCopyRoutingFilter routingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties) {
        return new OneCopyRoutingFilter(httpClient, headersFilters, properties);
    }

    /**
     * Writes the routed call's response body back: Spring Cloud Gateway makes this filter only with its own routing
     * filter on, so it is made here as it would be.
     */
    @Bean
    NettyWriteResponseFilter nettyWriteResponseFilter(
            org.springframework.cloud.gateway.config.GatewayProperties gatewayProperties,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
        return new NettyWriteResponseFilter(gatewayProperties.getStreamingMediaTypes(), headersFilters);
    }

    /** Route filter {@code RetryGetOnConnectFailure}. */
    @Bean
    RetryGetOnConnectFailureGatewayFilterFactory retryGetOnConnectFailureGatewayFilterFactory() {
        return new RetryGetOnConnectFailureGatewayFilterFactory();
    }

    /** Route filter {@code RouteBreaker}: each route's circuit breaker, bulkhead and time limit. */
    @Bean
    RouteBreakerGatewayFilterFactory routeBreakerGatewayFilterFactory(CircuitBreakerRegistry breakers,
            BulkheadRegistry bulkheads, TimeLimiterRegistry timeLimiters) {
        return new RouteBreakerGatewayFilterFactory(breakers, bulkheads, timeLimiters);
    }

    /**
     * The instance a routed call goes to ({@link InstanceChoiceFilter}): round-robin over discovery's list, re-read
     * at most once per {@code spring.cloud.loadbalancer.cache.ttl}, the setting of Spring Cloud LoadBalancer's own
     * cache. With that cache off ({@code spring.cloud.loadbalancer.cache.enabled=false}: its properties are not
     * bound), the list is read on every call, as Spring Cloud LoadBalancer would.
     */
    @Bean
    InstanceChooser instanceChooser(DiscoveryClient discovery, ObjectProvider<LoadBalancerCacheProperties> cache) {
        Duration refresh = cache.stream().findFirst().map(LoadBalancerCacheProperties::getTtl).orElse(Duration.ZERO);
        log.info("Routed calls go round-robin over each service's instances; the list is re-read from discovery {}",
                refresh.isZero() ? "on every call" : "every " + refresh.toMillis() + " ms");
        return new DiscoveryInstanceChooser(discovery, refresh, System::nanoTime);
    }

    /**
     * In place of Spring Cloud Gateway's {@code RouteToRequestUrlFilter}, whose bean is off
     * ({@code spring.cloud.gateway.server.webflux.global-filter.route-to-request-url.enabled=false}); this one takes its
     * name, so that start-up fails rather than make every URL twice should that setting go missing.
     */
    @Bean
    InstanceChoiceFilter routeToRequestUrlFilter(InstanceChooser instances) {
        return new InstanceChoiceFilter(instances);
    }

    /** A request whose URI cannot be parsed: 400 problem+json, not Spring's bare 400. */
    @Bean
    UnparsableUriProblem unparsableUriProblem(ProblemWriter problems) {
        return new UnparsableUriProblem(problems);
    }

    /** A request Netty's decoder refuses (too long, or not HTTP): problem+json, not a bare 414, 431 or 400. */
    @Bean
    RefusedRequestProblem refusedRequestProblem(ProblemWriter problems) {
        return new RefusedRequestProblem(problems);
    }

    @Bean
    PathGuardFilter pathGuardFilter(ProblemWriter problems) {
        return new PathGuardFilter(problems);
    }

    @Bean
    ApiKeyFilter apiKeyFilter(ApiKeys keys, GatewayProperties properties, ProblemWriter problems) {
        return new ApiKeyFilter(keys, properties.adminPaths(), problems);
    }

    /** Connects on the first lease; closed with the context, its connection to Redis being its own. */
    @Bean
    RedisTokenBucket sharedTokenBuckets(LettuceConnectionFactory redis, GatewayProperties properties) {
        GatewayProperties.RateLimit settings = properties.rateLimit();
        return new RedisTokenBucket(redis::getRequiredNativeClient, settings.keyPrefix(),
                settings.replenishPerSecond(), settings.burstCapacity(), settings.redisTimeout());
    }

    @Bean
    RateLimiter rateLimiter(TokenSource sharedBuckets, GatewayProperties properties) {
        GatewayProperties.RateLimit settings = properties.rateLimit();
        if (!settings.enabled()) {
            log.warn("Rate limiting is disabled (gateway.rate-limit.enabled=false)");
            return client -> Mono.just(RateLimitDecision.unlimited(settings.burstCapacity()));
        }
        int maxLease = settings.maxLease() != null
                ? settings.maxLease()
                : LeasingRateLimiter.defaultMaxLease(settings.replenishPerSecond());
        // The sweep of idle clients walks all of them (milliseconds for 100,000): on Reactor's threads for work that
        // runs long, off the event loops that serve the calls.
        LeasingRateLimiter limiter = new LeasingRateLimiter(sharedBuckets, new LeasingRateLimiter.Settings(
                settings.replenishPerSecond(), settings.burstCapacity(), maxLease, settings.leaseTtl(),
                settings.failOpenFor()), System::nanoTime, Schedulers.boundedElastic()::schedule);
        log.info("Rate limit: {}/s, burst {}, per client, shared in Redis; leases of up to {} tokens, spendable for {}",
                settings.replenishPerSecond(), settings.burstCapacity(), limiter.maxLease(), settings.leaseTtl());
        return limiter;
    }

    @Bean
    RateLimitFilter rateLimitFilter(RateLimiter limiter, ProblemWriter problems) {
        return new RateLimitFilter(limiter, problems);
    }
}
