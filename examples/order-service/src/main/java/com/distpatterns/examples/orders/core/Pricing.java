package com.distpatterns.examples.orders.core;

import java.time.Instant;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** Prices, slow to compute, cached in cache-service for {@code distpatterns.cache.ttl.prices}. */
@Service
public class Pricing {

    public record Quote(String sku, long cents, Instant quotedAt) {}

    /** One computation per SKU and TTL across every caller of this JVM ({@code sync}); others read cache-service. */
    @Cacheable(cacheNames = "prices", sync = true)
    public Quote quote(String sku) throws InterruptedException {
        Thread.sleep(200); // stands for a call to a pricing system
        return new Quote(sku, 100 + Math.floorMod(sku.hashCode(), 900), Instant.now());
    }
}
