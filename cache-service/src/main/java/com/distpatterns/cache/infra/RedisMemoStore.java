package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.CacheName;
import com.distpatterns.cache.core.Memo;
import com.distpatterns.cache.core.MemoStore;
import com.distpatterns.cache.core.StoredEntry;
import com.distpatterns.platform.redis.LuaScripts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.core.types.Expiration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Memos of one cache, kept as ordinary entries of that cache (so its statistics, entries count and flush cover them)
 * whose value is the envelope {@code {"computeMillis":N,"value":<the value's JSON>}}.
 */
public final class RedisMemoStore implements MemoStore {

    private static final RedisScript<Long> UNLOCK = LuaScripts.load("unlock", Long.class);

    private final CacheName cache;
    private final RedisCacheStore entries;
    private final RedisConnectionFactory connections;
    private final CacheKeys keys;
    private final JsonMapper json;

    public RedisMemoStore(CacheName cache, RedisCacheStore entries, RedisConnectionFactory connections, CacheKeys keys,
            JsonMapper json) {
        this.cache = cache;
        this.entries = entries;
        this.connections = connections;
        this.keys = keys;
        this.json = json;
    }

    @Override
    public Optional<Memo> lookup(String key) {
        return entries.read(cache, utf8(key), true).map(this::unwrap);
    }

    @Override
    public Optional<Memo> peek(String key) {
        return entries.read(cache, utf8(key), false).map(this::unwrap);
    }

    @Override
    public void store(String key, byte[] value, Duration computeTime, Duration ttl) {
        // Written by hand around the value's bytes, which stay exactly as the codec made them.
        ByteArrayOutputStream envelope = new ByteArrayOutputStream(value.length + 40);
        envelope.writeBytes(
                ("{\"computeMillis\":" + computeTime.toMillis() + ",\"value\":").getBytes(StandardCharsets.US_ASCII));
        envelope.writeBytes(value);
        envelope.write('}');
        entries.write(cache, utf8(key), envelope.toByteArray(), ttl);
    }

    @Override
    public boolean tryLock(String key, String token, Duration lease) {
        try (RedisConnection connection = connections.getConnection()) {
            Boolean taken = connection.stringCommands().set(
                    keys.lock(cache, utf8(key)), utf8(token), Expiration.from(lease), SetOption.ifAbsent());
            return Boolean.TRUE.equals(taken);
        }
    }

    @Override
    public void unlock(String key, String token) {
        entries.scripts().execute(UNLOCK, List.of(keys.lock(cache, utf8(key))), utf8(token));
    }

    /** An envelope that is not one (written through the entries API) reads as a value the codec will refuse. */
    private Memo unwrap(StoredEntry entry) {
        try {
            JsonNode envelope = json.readTree(entry.json());
            JsonNode value = envelope.get("value");
            JsonNode millis = envelope.get("computeMillis");
            if (value != null && millis != null && millis.canConvertToLong()) {
                return new Memo(json.writeValueAsBytes(value), Duration.ofMillis(millis.asLong()), entry.remaining());
            }
        } catch (JacksonException e) {
            // fall through: not an envelope
        }
        return new Memo(entry.json(), Duration.ZERO, entry.remaining());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
