package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.CacheName;
import com.distpatterns.cache.core.CacheStatistics;
import com.distpatterns.cache.core.CacheStore;
import com.distpatterns.cache.core.EntryKey;
import com.distpatterns.cache.core.NearCache;
import com.distpatterns.cache.core.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Redis store with a near cache in front: a hit served from memory costs no Redis round trip; its count joins the
 * shared statistics through {@link HitCounts} within one flush interval. Misses and Redis hits are counted by the GET
 * script as before. Writes go to Redis first, then drop the local copy, so an instance always reads its own writes;
 * other instances drop theirs when Redis's invalidation reaches them.
 */
public final class NearCachedStore implements CacheStore {

    private final RedisCacheStore redis;
    private final NearCache near;
    private final CacheKeys keys;
    private final HitCounts hitCounts;

    public NearCachedStore(RedisCacheStore redis, NearCache near, CacheKeys keys, HitCounts hitCounts) {
        this.redis = redis;
        this.near = near;
        this.keys = keys;
        this.hitCounts = hitCounts;
    }

    @Override
    public Optional<StoredEntry> get(CacheName cache, EntryKey key) {
        String nearKey = nearKey(keys.entry(cache, key.utf8()));
        long now = System.nanoTime();
        Optional<NearCache.Entry> hit = near.lookup(nearKey, now);
        if (hit.isPresent()) {
            hitCounts.hit(cache);
            return Optional.of(new StoredEntry(hit.get().json(), Duration.ofNanos(hit.get().expiresAtNanos() - now)));
        }
        NearCache.Reservation reservation = near.reserve(nearKey);
        long sentAt = System.nanoTime();
        Optional<StoredEntry> found = Optional.empty();
        try {
            found = redis.get(cache, key);
        } finally {
            if (reservation != null) {
                if (found.isPresent()) {
                    // Redis measured the remaining time at or after sentAt, so this instant is never later than the real expiry.
                    near.fill(reservation, nearKey,
                            new NearCache.Entry(found.get().json(), sentAt + found.get().remaining().toNanos()));
                } else {
                    near.release(reservation, nearKey);
                }
            }
        }
        return found;
    }

    @Override
    public void put(CacheName cache, EntryKey key, byte[] json, Duration ttl) {
        try {
            redis.put(cache, key, json, ttl);
        } finally {
            near.invalidate(nearKey(keys.entry(cache, key.utf8())));
        }
    }

    @Override
    public void delete(CacheName cache, EntryKey key) {
        try {
            redis.delete(cache, key);
        } finally {
            near.invalidate(nearKey(keys.entry(cache, key.utf8())));
        }
    }

    /** This instance's pending hit counts go first, so its own answers are never behind; others' within the interval. */
    @Override
    public CacheStatistics statistics(CacheName cache) {
        hitCounts.flush(cache);
        return redis.statistics(cache);
    }

    @Override
    public List<CacheName> names(CacheName after, int limit) {
        return redis.names(after, limit);
    }

    @Override
    public long flush(CacheName cache) {
        try {
            return redis.flush(cache);
        } finally {
            String prefix = nearKey(keys.entryPrefix(cache));
            near.invalidateIf(k -> k.startsWith(prefix));
        }
    }

    /** Redis keys are bytes; ISO-8859-1 maps each byte to one char, so the invalidation's key names match exactly. */
    static String nearKey(byte[] redisKey) {
        return new String(redisKey, StandardCharsets.ISO_8859_1);
    }
}
