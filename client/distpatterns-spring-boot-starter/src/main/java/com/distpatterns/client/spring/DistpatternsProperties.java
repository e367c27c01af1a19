package com.distpatterns.client.spring;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code distpatterns.*}: where the suite is, the API key, and the bounds of every call.
 *
 * @param url the gateway, e.g. {@code http://localhost:8080} (the starter does nothing without it)
 * @param apiKey the gateway's API key ({@code X-API-Key}); empty for an open gateway
 * @param connectTimeout bound on opening a connection
 * @param requestTimeout bound on one call (a lock acquire adds the time it waits for the lock)
 * @param retry retries of transient failures
 * @param lock the locks' defaults
 * @param cache the Spring {@code CacheManager} backed by cache-service
 * @param tasks the workers of the application's {@link TaskHandler} methods
 */
@ConfigurationProperties("distpatterns")
public record DistpatternsProperties(
        URI url,
        String apiKey,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue Retry retry,
        @DefaultValue Lock lock,
        @DefaultValue Cache cache,
        @DefaultValue Tasks tasks) {

    /**
     * @param maxAttempts attempts in all, the first included
     * @param initialBackoff wait before the second attempt, doubling after
     * @param maxBackoff longest wait between attempts
     */
    public record Retry(@DefaultValue("3") int maxAttempts, @DefaultValue("100ms") Duration initialBackoff,
            @DefaultValue("2s") Duration maxBackoff) {}

    /** @param leaseTime the lease a lock takes; its watchdog renews at a third of it while the lock is held */
    public record Lock(@DefaultValue("30s") Duration leaseTime) {}

    /**
     * @param enabled whether to provide the {@code CacheManager}
     * @param defaultTtl time to live of an entry when its cache has none in {@code ttl}; empty: the service's (1 h)
     * @param ttl time to live by cache name, e.g. {@code distpatterns.cache.ttl.orders=10m}
     * @param allowNullValues whether a {@code null} result is cached (as Spring's own caches do by default)
     */
    public record Cache(@DefaultValue("true") boolean enabled, Duration defaultTtl, Map<String, Duration> ttl,
            @DefaultValue("true") boolean allowNullValues) {

        public Cache {
            ttl = ttl == null ? Map.of() : Map.copyOf(ttl);
        }

        Duration ttlOf(String cacheName) {
            return ttl.getOrDefault(cacheName, defaultTtl);
        }
    }

    /**
     * @param enabled whether {@link TaskHandler} methods are served
     * @param concurrency tasks of one type run at once (a handler's own {@code concurrency} wins)
     * @param leaseTime a task's lease; heartbeats renew it at a third of it, and a dead worker's task goes to
     *     another worker once it ends
     * @param pollWait how long one lease call waits on task-service for a task (long poll)
     * @param registerTypes register a handler's type as a pull type when task-service does not know it
     * @param shutdownGrace on shutdown, how long running tasks may take before they are given back
     */
    public record Tasks(@DefaultValue("true") boolean enabled, @DefaultValue("8") int concurrency,
            @DefaultValue("30s") Duration leaseTime, @DefaultValue("20s") Duration pollWait,
            @DefaultValue("true") boolean registerTypes, @DefaultValue("20s") Duration shutdownGrace) {}
}
