package com.distpatterns.cache.core;

import java.time.Duration;
import java.util.Optional;

/** The shared store of one memoising cache, with the lock that lets one caller in the whole fleet compute. */
public interface MemoStore {

    /** Reads the memo and counts the lookup as a hit or a miss of the cache. */
    Optional<Memo> lookup(String key);

    /** Reads the memo without counting: a re-check by a caller whose lookup was already counted. */
    Optional<Memo> peek(String key);

    void store(String key, byte[] value, Duration computeTime, Duration ttl);

    /** Takes the key's compute lock for {@code lease} unless someone holds it; {@code token} proves ownership later. */
    boolean tryLock(String key, String token, Duration lease);

    /** Releases the lock only if {@code token} still holds it. */
    void unlock(String key, String token);
}
