package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.CacheName;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Hits served from the near cache, counted in memory and added to the shared statistics hash in batches (one
 * HINCRBY per cache per flush), so a hit costs no Redis write. A batch that cannot be written is kept for the next.
 */
public final class HitCounts {

    private static final Logger log = LoggerFactory.getLogger(HitCounts.class);
    private static final byte[] HITS = "hits".getBytes(StandardCharsets.US_ASCII);

    private final RedisConnectionFactory connections;
    private final CacheKeys keys;
    private final Map<CacheName, LongAdder> pending = new ConcurrentHashMap<>();

    public HitCounts(RedisConnectionFactory connections, CacheKeys keys) {
        this.connections = connections;
        this.keys = keys;
    }

    public void hit(CacheName cache) {
        pending.computeIfAbsent(cache, c -> new LongAdder()).increment();
    }

    /** Writes every cache's pending hits; runs every flush interval and at shutdown. */
    public void flushAll() {
        for (CacheName cache : pending.keySet()) {
            try {
                flush(cache);
            } catch (RuntimeException e) {
                log.warn("Near-cache hit counts not written yet, kept for the next flush: {}", e.getMessage());
                return;
            }
        }
    }

    public void flush(CacheName cache) {
        LongAdder counter = pending.get(cache);
        long hits = counter == null ? 0 : counter.sumThenReset();
        if (hits == 0) {
            return;
        }
        try (RedisConnection connection = connections.getConnection()) {
            connection.hashCommands().hIncrBy(keys.statistics(cache), HITS, hits);
        } catch (RuntimeException e) {
            counter.add(hits);
            throw e;
        }
    }
}
