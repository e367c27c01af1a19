package com.distpatterns.gateway.config;

import com.distpatterns.gateway.api.ApiKeyFilter;
import com.distpatterns.gateway.api.InstanceChoiceFilter;
import com.distpatterns.gateway.api.OutgoingHeadersFilter;
import com.distpatterns.gateway.api.PathGuardFilter;
import com.distpatterns.gateway.api.ProblemErrorHandler;
import com.distpatterns.gateway.api.ProblemWriter;
import com.distpatterns.gateway.api.RateLimitFilter;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
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

    /** Drops the API key from, and adds the request id and the trace context to, the request sent downstream. */
    @Bean
    OutgoingHeadersFilter outgoingHeadersFilter(ObjectProvider<Propagator> propagator) {
        return new OutgoingHeadersFilter(propagator.getIfAvailable());
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

    @Bean
    InstanceChoiceFilter instanceChoiceFilter(InstanceChooser instances) {
        return new InstanceChoiceFilter(instances);
    }

    /** A request whose URI cannot be parsed: 400 problem+json, not Spring's bare 400. */
    @Bean
    UnparsableUriProblem unparsableUriProblem() {
        return new UnparsableUriProblem();
    }

    @Bean
    PathGuardFilter pathGuardFilter(ProblemWriter problems) {
        return new PathGuardFilter(problems);
    }

    @Bean
    ApiKeyFilter apiKeyFilter(ApiKeys keys, GatewayProperties properties, ProblemWriter problems) {
        return new ApiKeyFilter(keys, properties.adminPaths(), problems);
    }

    @Bean
    RateLimiter rateLimiter(ReactiveStringRedisTemplate redis, GatewayProperties properties) {
        GatewayProperties.RateLimit settings = properties.rateLimit();
        if (!settings.enabled()) {
            log.warn("Rate limiting is disabled (gateway.rate-limit.enabled=false)");
            return client -> Mono.just(RateLimitDecision.unlimited(settings.burstCapacity()));
        }
        TokenSource shared = new RedisTokenBucket(redis, settings.keyPrefix(), settings.replenishPerSecond(),
                settings.burstCapacity(), settings.redisTimeout());
        LeasingRateLimiter limiter = new LeasingRateLimiter(shared, new LeasingRateLimiter.Settings(
                settings.replenishPerSecond(), settings.burstCapacity(), settings.maxLease(), settings.leaseTtl(),
                settings.failOpenFor()), System::nanoTime);
        log.info("Rate limit: {}/s, burst {}, per client, shared in Redis; leases of up to {} tokens, spendable for {}",
                settings.replenishPerSecond(), settings.burstCapacity(), limiter.maxLease(), settings.leaseTtl());
        return limiter;
    }

    @Bean
    RateLimitFilter rateLimitFilter(RateLimiter limiter, ProblemWriter problems) {
        return new RateLimitFilter(limiter, problems);
    }
}
