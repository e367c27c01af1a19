package com.distpatterns.cache.api;

import com.distpatterns.cache.core.CacheStatistics;

/** A cache's statistics, counted across every instance of the service. */
public record CacheStatisticsResponse(String name, long hits, long misses, double hitRatio, long entries) {

    static CacheStatisticsResponse of(CacheStatistics statistics) {
        return new CacheStatisticsResponse(statistics.name().value(), statistics.hits(), statistics.misses(),
                statistics.hitRatio(), statistics.entries());
    }
}
