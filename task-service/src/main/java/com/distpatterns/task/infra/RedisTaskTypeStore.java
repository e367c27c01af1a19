package com.distpatterns.task.infra;

import com.distpatterns.platform.outbound.WebhookSecret;
import com.distpatterns.task.core.RegisteredType;
import com.distpatterns.task.core.RetryPolicy;
import com.distpatterns.task.core.TaskMode;
import com.distpatterns.task.core.TaskTypeStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registered task types in one Redis hash, {@code <prefix>:types} (type name -> JSON), without expiry: one key, so
 * every command is single-slot on Redis Cluster, and the whole registry is one {@code HGETALL}.
 */
public final class RedisTaskTypeStore implements TaskTypeStore {

    /** The stored form: plain values, so the JSON stays readable by an operator and stable across versions. */
    record Stored(String mode, String url, long timeoutMs, Integer maxRetries, int concurrency, long initialMs,
            double multiplier, long maxMs, String secret, long createdAt, long updatedAt) {}

    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final String key;

    public RedisTaskTypeStore(StringRedisTemplate redis, JsonMapper json, String prefix) {
        this.redis = redis;
        this.json = json;
        this.key = prefix + ":types";
    }

    @Override
    public List<RegisteredType> all() {
        Map<String, String> entries = redis.<String, String>opsForHash().entries(key);
        return entries.entrySet().stream().map(entry -> read(entry.getKey(), entry.getValue())).toList();
    }

    @Override
    public void save(RegisteredType type) {
        Stored stored = new Stored(type.mode().wire(), type.url() == null ? null : type.url().toString(),
                type.timeout().toMillis(), type.maxRetries(), type.concurrency(),
                type.backoff().initialDelay().toMillis(),
                type.backoff().multiplier(), type.backoff().maxDelay().toMillis(), type.secret().value(),
                type.createdAt().toEpochMilli(), type.updatedAt().toEpochMilli());
        redis.opsForHash().put(key, type.name(), json.writeValueAsString(stored));
    }

    @Override
    public boolean delete(String name) {
        Long removed = redis.opsForHash().delete(key, name);
        return removed != null && removed > 0;
    }

    private RegisteredType read(String name, String text) {
        Stored stored = json.readValue(text, Stored.class);
        return new RegisteredType(name, TaskMode.valueOf(stored.mode().toUpperCase(java.util.Locale.ROOT)),
                stored.url() == null ? null : URI.create(stored.url()), Duration.ofMillis(stored.timeoutMs()),
                stored.maxRetries(), stored.concurrency(), new RetryPolicy(Duration.ofMillis(stored.initialMs()),
                        stored.multiplier(), Duration.ofMillis(stored.maxMs()), 0.2),
                new WebhookSecret(stored.secret()), Instant.ofEpochMilli(stored.createdAt()),
                Instant.ofEpochMilli(stored.updatedAt()));
    }
}
