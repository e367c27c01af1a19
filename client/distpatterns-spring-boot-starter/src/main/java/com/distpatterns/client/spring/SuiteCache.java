package com.distpatterns.client.spring;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Spring {@link org.springframework.cache.Cache} backed by one cache of cache-service. Values are stored as
 * JSON; a view made by {@link #typed} (what the starter's cache resolver hands Spring's interceptor) reads them
 * back as the cached method's declared return type. A cached {@code null} is stored as JSON {@code null}.
 * {@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) lets one caller per key and JVM compute while
 * the others wait for its value.
 */
public final class SuiteCache extends AbstractValueAdaptingCache {

    private static final int MAX_KEY_BYTES = 512;

    private final com.distpatterns.client.Cache cache;
    private final Duration ttl;
    private final Type valueType;
    private final JsonMapper json;
    private final ConcurrentMap<String, CompletableFuture<Object>> loading;

    SuiteCache(com.distpatterns.client.Cache cache, Duration ttl, boolean allowNullValues, JsonMapper json) {
        this(cache, ttl, allowNullValues, Object.class, json, new ConcurrentHashMap<>());
    }

    private SuiteCache(com.distpatterns.client.Cache cache, Duration ttl, boolean allowNullValues, Type valueType,
            JsonMapper json, ConcurrentMap<String, CompletableFuture<Object>> loading) {
        super(allowNullValues);
        this.cache = cache;
        this.ttl = ttl;
        this.valueType = valueType;
        this.json = json;
        this.loading = loading;
    }

    /** This cache, reading values as {@code type}; it shares the single-flight state with every other view. */
    public SuiteCache typed(Type type) {
        return type.equals(valueType) ? this : new SuiteCache(cache, ttl, isAllowNullValues(), type, json, loading);
    }

    @Override
    public String getName() {
        return cache.name();
    }

    @Override
    public com.distpatterns.client.Cache getNativeCache() {
        return cache;
    }

    /** The time to live of this cache's entries; {@code null}: the service's default. */
    public Duration ttl() {
        return ttl;
    }

    @Override
    protected Object lookup(Object key) {
        return read(key, valueType);
    }

    @Override
    public <T> T get(Object key, Class<T> type) {
        Object value = fromStoreValue(read(key, type == null ? valueType : type));
        if (value != null && type != null && !type.isInstance(value)) {
            throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: " + value);
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }

    private Object read(Object key, Type type) {
        JsonNode node = cache.lookup(keyOf(key));
        if (node == null) {
            return null;
        }
        if (node.isNull()) {
            return isAllowNullValues() ? NullValue.INSTANCE : null;
        }
        return cache.convert(node, type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        ValueWrapper hit = get(key);
        if (hit != null) {
            return (T) hit.get();
        }
        String id = keyOf(key);
        CompletableFuture<Object> mine = new CompletableFuture<>();
        CompletableFuture<Object> running = loading.putIfAbsent(id, mine);
        if (running != null) {
            try {
                return (T) fromStoreValue(running.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
        }
        try {
            // Another caller may have stored it between the lookup and winning the race.
            ValueWrapper again = get(key);
            T value;
            if (again != null) {
                value = (T) again.get();
            } else {
                try {
                    value = valueLoader.call();
                } catch (Exception e) {
                    throw new ValueRetrievalException(key, valueLoader, e);
                }
                put(key, value);
            }
            mine.complete(toStoreValue(value));
            return value;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(id, mine);
        }
    }

    @Override
    public void put(Object key, Object value) {
        Object stored = toStoreValue(value); // refuses null unless null values are allowed, as Spring's caches do
        cache.put(keyOf(key), stored == NullValue.INSTANCE ? null : stored, ttl);
    }

    @Override
    public void evict(Object key) {
        cache.evict(keyOf(key));
    }

    @Override
    public void clear() {
        cache.clear();
    }

    @Override
    public boolean invalidate() {
        cache.clear();
        return true;
    }

    /**
     * The entry key of a Spring cache key: its text for strings, numbers, enums, UUIDs and {@code SimpleKey}s (whose
     * text lists the parameters), its JSON for any other object (records, beans); a SHA-256 when over 512 bytes.
     */
    String keyOf(Object key) {
        String text;
        if (key instanceof CharSequence || key instanceof Number || key instanceof Boolean || key instanceof Enum<?>
                || key instanceof UUID || key instanceof org.springframework.cache.interceptor.SimpleKey) {
            text = key.toString();
        } else {
            text = json.writeValueAsString(key);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return "\"\""; // the empty string as JSON text: the service needs at least one byte
        }
        if (bytes.length <= MAX_KEY_BYTES) {
            return text;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
