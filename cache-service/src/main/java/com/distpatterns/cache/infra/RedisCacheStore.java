package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.CacheName;
import com.distpatterns.cache.core.CacheStatistics;
import com.distpatterns.cache.core.CacheStore;
import com.distpatterns.cache.core.EntryKey;
import com.distpatterns.cache.core.StoredEntry;
import com.distpatterns.platform.redis.LuaScripts;
import com.distpatterns.platform.redis.RedisKeyScan;
import com.distpatterns.platform.redis.ScriptReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;

/** The cache store on Redis (single, Sentinel or Cluster): one script, one round trip, per call. */
public final class RedisCacheStore implements CacheStore {

    private static final Logger log = LoggerFactory.getLogger(RedisCacheStore.class);

    private static final RedisScript<List<Object>> GET = LuaScripts.loadList("get");
    private static final RedisScript<Long> PUT = LuaScripts.load("put", Long.class);
    private static final RedisScript<Long> DELETE = LuaScripts.load("delete", Long.class);
    private static final RedisScript<List<Object>> STATISTICS = LuaScripts.loadList("statistics");
    private static final byte[] COUNT = {'1'};
    private static final byte[] DO_NOT_COUNT = {'0'};

    private final RedisConnectionFactory connections;
    private final RedisTemplate<byte[], byte[]> scripts;
    private final CacheKeys keys;
    private final int flushBatchSize;

    public RedisCacheStore(RedisConnectionFactory connections, CacheKeys keys, int flushBatchSize) {
        this.connections = connections;
        this.scripts = LuaScripts.binaryTemplate(connections);
        this.keys = keys;
        this.flushBatchSize = flushBatchSize;
    }

    @Override
    public void put(CacheName cache, EntryKey key, byte[] json, Duration ttl) {
        write(cache, key.utf8(), json, ttl);
    }

    /** Stores raw bytes under a raw key: also the memo store's way in, so memos are entries like any other. */
    void write(CacheName cache, byte[] key, byte[] value, Duration ttl) {
        scripts.execute(PUT, List.of(keys.entry(cache, key), keys.index(cache)), value, ascii(ttl.toMillis()), key);
    }

    /** Runs the cache's scripts; the memo store shares it. */
    RedisTemplate<byte[], byte[]> scripts() {
        return scripts;
    }

    @Override
    public Optional<StoredEntry> get(CacheName cache, EntryKey key) {
        return read(cache, key.utf8(), true);
    }

    /** Reads raw bytes; {@code count} says whether the lookup enters the cache's hit and miss counts. */
    Optional<StoredEntry> read(CacheName cache, byte[] key, boolean count) {
        ScriptReply reply = ScriptReply.of(
                scripts.execute(GET, List.of(keys.entry(cache, key), keys.statistics(cache)),
                        count ? COUNT : DO_NOT_COUNT));
        if (reply.isEmpty()) {
            return Optional.empty();
        }
        // PTTL answers -2 for a key that expired between the GET and the PTTL of the same script: never, but be exact.
        return Optional
                .of(new StoredEntry(reply.bytes("value"), Duration.ofMillis(Math.max(0, reply.number("ttlMs")))));
    }

    @Override
    public void delete(CacheName cache, EntryKey key) {
        scripts.execute(DELETE, List.of(keys.index(cache), keys.entry(cache, key.utf8())),
                ascii(keys.entryPrefix(cache).length));
    }

    @Override
    public CacheStatistics statistics(CacheName cache) {
        ScriptReply reply = ScriptReply
                .of(scripts.execute(STATISTICS, List.of(keys.statistics(cache), keys.index(cache))));
        return new CacheStatistics(cache, reply.number("hits"), reply.number("misses"), reply.number("entries"));
    }

    /**
     * SCANs for the caches' index and statistics keys (on Cluster every master in turn) and keeps only the first
     * {@code limit} names after {@code after}, so memory stays bounded however many caches there are.
     */
    @Override
    public List<CacheName> names(CacheName after, int limit) {
        TreeSet<String> names = new TreeSet<>();
        try (RedisConnection connection = connections.getConnection()) {
            for (String suffix : List.of(":index", ":stats")) {
                ScanOptions scan = ScanOptions.scanOptions().match(keys.anyCachePattern(suffix)).count(500).build();
                Consumer<byte[]> collect = key -> keys.cacheOf(key, suffix)
                        .filter(name -> after == null || name.compareTo(after.value()) > 0)
                        .ifPresent(name -> {
                            names.add(name);
                            if (names.size() > limit) {
                                names.pollLast();
                            }
                        });
                RedisKeyScan.forEach(connection, scan, collect);
            }
        }
        return names.stream().map(CacheName::new).toList();
    }

    /**
     * SCANs the cache's entries and UNLINKs them in batches, each batch one script that also drops the keys from the
     * index. Never KEYS: Redis keeps serving other clients between batches. On Cluster the scan runs on the one node
     * that owns the cache's hash slot.
     */
    @Override
    public long flush(CacheName cache) {
        byte[] index = keys.index(cache);
        byte[] prefixLength = ascii(keys.entryPrefix(cache).length);
        ScanOptions scan = ScanOptions.scanOptions().match(keys.entryPattern(cache)).count(flushBatchSize).build();
        long removed = 0;
        try (RedisConnection connection = connections.getConnection();
                Cursor<byte[]> cursor = connection instanceof RedisClusterConnection cluster
                        ? cluster.scan(cluster.clusterGetNodeForKey(index), scan)
                        : connection.keyCommands().scan(scan)) {
            List<byte[]> batch = new ArrayList<>(flushBatchSize + 1);
            batch.add(index);
            while (cursor.hasNext()) {
                batch.add(cursor.next());
                if (batch.size() > flushBatchSize) {
                    removed += unlink(batch, prefixLength);
                    batch.subList(1, batch.size()).clear();
                }
            }
            if (batch.size() > 1) {
                removed += unlink(batch, prefixLength);
            }
        }
        log.info("Flushed cache {}: {} entries removed", cache, removed);
        return removed;
    }

    private long unlink(List<byte[]> indexThenEntries, byte[] prefixLength) {
        Long removed = scripts.execute(DELETE, indexThenEntries, prefixLength);
        return removed == null ? 0 : removed;
    }

    private static byte[] ascii(long number) {
        return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
    }
}
