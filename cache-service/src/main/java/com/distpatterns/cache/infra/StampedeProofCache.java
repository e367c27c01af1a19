package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.CacheName;
import com.distpatterns.cache.core.CacheStore;
import com.distpatterns.cache.core.EntryKey;
import com.distpatterns.cache.core.MemoStore;
import com.distpatterns.cache.core.StampedeGuard;
import com.distpatterns.cache.core.StampedeGuardSettings;
import com.distpatterns.cache.core.ValueCodec;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link Cache} on the shared Redis store whose {@code get(key, loader)} (what {@code @Cacheable(sync =
 * true)} calls) computes once across every instance and refreshes hot entries early. Values are JSON; keys are
 * {@code String.valueOf(key)}.
 */
public final class StampedeProofCache<V> implements Cache {

    private final CacheName name;
    private final Class<V> type;
    private final ValueCodec<V> codec;
    private final MemoStore memos;
    private final CacheStore entries;
    private final StampedeGuard guard;
    private final Duration ttl;

    public StampedeProofCache(CacheName name, Class<V> type, ValueCodec<V> codec, MemoStore memos, CacheStore entries,
            RedisFillNotices notices, StampedeGuardSettings settings) {
        this.name = name;
        this.type = type;
        this.codec = codec;
        this.memos = memos;
        this.entries = entries;
        this.guard = new StampedeGuard(name.value(), memos, notices, settings);
        this.ttl = settings.ttl();
    }

    @Override
    public String getName() {
        return name.value();
    }

    @Override
    public Object getNativeCache() {
        return memos;
    }

    @Override
    public ValueWrapper get(Object key) {
        return memos.lookup(keyOf(key))
                .map(memo -> {
                    try {
                        return new SimpleValueWrapper(codec.decode(memo.value()));
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                })
                .orElse(null);
    }

    @Override
    public <T> T get(Object key, Class<T> wanted) {
        ValueWrapper found = get(key);
        if (found == null) {
            return null;
        }
        if (wanted != null && !wanted.isInstance(found.get())) {
            throw new IllegalStateException("Cache " + name + " holds " + type.getName() + ", not " + wanted.getName());
        }
        return wanted == null ? null : wanted.cast(found.get());
    }

    @Override
    @SuppressWarnings("unchecked") // Spring's contract: the loader produces this cache's values
    public <T> T get(Object key, Callable<T> loader) {
        try {
            return (T) guard.get(keyOf(key), codec, () -> {
                try {
                    return type.cast(loader.call());
                } catch (Exception e) {
                    // The loader's own failure, told apart from the store's (which propagate as they are: a 503).
                    throw new ValueRetrievalException(key, loader, e);
                }
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ValueRetrievalException(key, loader, e);
        }
    }

    @Override
    public void put(Object key, Object value) {
        if (value != null) {
            memos.store(keyOf(key), codec.encode(type.cast(value)), Duration.ZERO, ttl);
        }
    }

    @Override
    public void evict(Object key) {
        entries.delete(name, new EntryKey(keyOf(key)));
    }

    @Override
    public void clear() {
        entries.flush(name);
    }

    private static String keyOf(Object key) {
        return String.valueOf(key);
    }
}
