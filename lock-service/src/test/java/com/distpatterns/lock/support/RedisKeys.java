package com.distpatterns.lock.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Test keys live under a prefix unique to the run, and are removed by it (never FLUSHDB: Redis is shared). */
public final class RedisKeys {

    private RedisKeys() {}

    public static String uniquePrefix() {
        return "test-lock-" + UUID.randomUUID() + ":";
    }

    public static void deleteAll(StringRedisTemplate redis, String prefix) {
        List<String> keys = new ArrayList<>();
        try (Cursor<String> cursor = redis.scan(ScanOptions.scanOptions().match(prefix + "*").count(1000).build())) {
            cursor.forEachRemaining(keys::add);
        }
        if (!keys.isEmpty()) {
            redis.delete(keys);
        }
    }
}
