package com.distpatterns.cache.core;

/**
 * What one cache has served, counted across every instance of the service.
 *
 * @param name the cache
 * @param hits lookups that found an entry
 * @param misses lookups that found none
 * @param entries entries alive now
 */
public record CacheStatistics(CacheName name, long hits, long misses, long entries) {

    /** Hits over lookups, 0 before the first lookup. */
    public double hitRatio() {
        long lookups = hits + misses;
        return lookups == 0 ? 0.0 : (double) hits / lookups;
    }
}
