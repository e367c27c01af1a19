package com.distpatterns.client.spring;

import com.distpatterns.client.DistpatternsClient;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A {@link CacheManager} whose caches live in cache-service: created on first use by name (as Spring's
 * {@code ConcurrentMapCacheManager} does), each with its time to live from {@code distpatterns.cache.ttl}.
 */
public final class SuiteCacheManager implements CacheManager {

    private final DistpatternsClient client;
    private final DistpatternsProperties.Cache properties;
    private final ConcurrentMap<String, SuiteCache> caches = new ConcurrentHashMap<>();

    public SuiteCacheManager(DistpatternsClient client, DistpatternsProperties.Cache properties) {
        this.client = client;
        this.properties = properties;
    }

    @Override
    public Cache getCache(String name) {
        return caches.computeIfAbsent(name, n -> new SuiteCache(client.cache(n), properties.ttlOf(n),
                properties.allowNullValues(), client.transport().json()));
    }

    @Override
    public Collection<String> getCacheNames() {
        return List.copyOf(caches.keySet());
    }
}
