package com.distpatterns.cache.core;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The core's unit tests' store: a map with the same contract as the Redis one (which the integration tests use). */
final class InMemoryMemoStore implements MemoStore {

    private record Stored(byte[] value, Duration computeTime, long expiresAtNanos) {}

    final Map<String, String> locks = new ConcurrentHashMap<>();
    final AtomicInteger lookups = new AtomicInteger();
    private final Map<String, Stored> memos = new ConcurrentHashMap<>();

    @Override
    public Optional<Memo> lookup(String key) {
        lookups.incrementAndGet();
        return peek(key);
    }

    @Override
    public Optional<Memo> peek(String key) {
        Stored stored = memos.get(key);
        long left = stored == null ? 0 : stored.expiresAtNanos - System.nanoTime();
        return left <= 0 ? Optional.empty()
                : Optional.of(new Memo(stored.value, stored.computeTime, Duration.ofNanos(left)));
    }

    @Override
    public void store(String key, byte[] value, Duration computeTime, Duration ttl) {
        memos.put(key, new Stored(value, computeTime, System.nanoTime() + ttl.toNanos()));
    }

    /** Plants a memo with a chosen remaining life, as if computed long ago. */
    void plant(String key, byte[] value, Duration computeTime, Duration remaining) {
        store(key, value, computeTime, remaining);
    }

    @Override
    public boolean tryLock(String key, String token, Duration lease) {
        return locks.putIfAbsent(key, token) == null;
    }

    @Override
    public void unlock(String key, String token) {
        locks.remove(key, token);
    }
}
