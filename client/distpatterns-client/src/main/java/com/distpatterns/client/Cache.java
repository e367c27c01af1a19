package com.distpatterns.client;

import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import com.distpatterns.client.Transport.Response;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * One named cache of cache-service: JSON values under text keys, each with a time to live. Values are written
 * with Jackson and read back as the type the caller names, records and generic types included.
 */
public final class Cache {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final long MAX_TTL_SECONDS = 2_592_000;

    private final String name;
    private final String path;
    private final Transport transport;

    Cache(String name, Transport transport) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("cache names are [A-Za-z0-9._-]{1,64}, was '" + name + "'");
        }
        this.name = name;
        this.path = "/api/caches/" + name;
        this.transport = transport;
    }

    public String name() {
        return name;
    }

    public <T> Optional<T> get(String key, Class<T> type) {
        return Optional.ofNullable(lookup(key)).map(node -> convert(node, transport.json().constructType(type)));
    }

    public <T> Optional<T> get(String key, TypeReference<T> type) {
        return Optional.ofNullable(lookup(key)).map(node -> convert(node, transport.json().constructType(type)));
    }

    /**
     * The stored JSON as it is, or {@code null} when there is no entry. A stored JSON {@code null} comes back as a
     * {@code NullNode}, so a cached "no value" and a miss stay apart.
     */
    public JsonNode lookup(String key) {
        Response answer = transport.sendUninterruptibly(Call.get(entry(key)));
        if (answer.is(404)) {
            return null;
        }
        return transport.json().readTree(transport.expect(answer, 200).body());
    }

    /** The stored JSON as a value of {@code type} (any {@link Type}, generics included). */
    public <T> T convert(JsonNode node, Type type) {
        return convert(node, transport.json().constructType(type));
    }

    private <T> T convert(JsonNode node, JavaType type) {
        return transport.json().treeToValue(node, type);
    }

    /** Stores a value for the cache's default time to live (3600 s unless the service says otherwise). */
    public void put(String key, Object value) {
        put(key, value, null);
    }

    /** Stores a value (any Jackson-writable object, {@code null} as JSON null) for {@code ttl}, rounded up to seconds. */
    public void put(String key, Object value, Duration ttl) {
        String query = "";
        if (ttl != null) {
            long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
            if (ttl.isNegative() || ttl.isZero() || seconds > MAX_TTL_SECONDS) {
                throw new IllegalArgumentException("ttl must be 1 s .. 30 days, was " + ttl);
            }
            query = "?ttlSeconds=" + seconds;
        }
        byte[] json = transport.json().writeValueAsBytes(value);
        transport.expect(transport.sendUninterruptibly(new Call("PUT", entry(key) + query, json, null, Repeat.SAFE)),
                204);
    }

    /** Removes an entry; nothing happens if there is none. */
    public void evict(String key) {
        transport.expect(transport.sendUninterruptibly(new Call("DELETE", entry(key), null, null, Repeat.SAFE)), 204);
    }

    /** Removes every entry of this cache. */
    public void clear() {
        transport.expect(transport.sendUninterruptibly(new Call("DELETE", path, null, null, Repeat.SAFE)), 204);
    }

    private String entry(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a cache key is 1..512 bytes of UTF-8, was empty");
        }
        return path + "/entries/" + Transport.segment(key);
    }
}
