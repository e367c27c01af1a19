package com.distpatterns.cache.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The shared store behind every cache: entries with a time to live, and statistics true across instances. */
public interface CacheStore {

    /** Stores the value's bytes as they are, replacing any entry under that key. */
    void put(CacheName cache, EntryKey key, byte[] json, Duration ttl);

    /** Reads an entry, counting a hit or a miss. */
    Optional<StoredEntry> get(CacheName cache, EntryKey key);

    /** Removes an entry; removing an absent one is no error. */
    void delete(CacheName cache, EntryKey key);

    CacheStatistics statistics(CacheName cache);

    /**
     * The caches that have entries or statistics, in name order after {@code after} (none: from the first), at most
     * {@code limit}.
     */
    List<CacheName> names(CacheName after, int limit);

    /** Removes every entry of one cache, leaving other caches and this cache's hit counters alone; answers how many went. */
    long flush(CacheName cache);
}
