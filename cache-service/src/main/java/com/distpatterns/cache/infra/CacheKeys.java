package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.CacheName;
import com.distpatterns.platform.redis.RedisKeyScan;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Redis key layout. Every key of one cache carries the hash tag {@code {<cache>}}, so on Redis Cluster a whole
 * cache lives in one hash slot: the per-cache scripts (get with statistics, put with index, flush batches) touch
 * only keys of one slot, as Cluster requires, at the price of one cache never spanning shards.
 *
 * <pre>
 *   &lt;prefix&gt;{&lt;cache&gt;}:e:&lt;key&gt;   an entry: the value's JSON bytes, with the entry's TTL
 *   &lt;prefix&gt;{&lt;cache&gt;}:l:&lt;key&gt;   the compute lock of a memoised key
 *   &lt;prefix&gt;{&lt;cache&gt;}:index    sorted set: key -&gt; expiry (ms), the source of the entries count
 *   &lt;prefix&gt;{&lt;cache&gt;}:stats    hash: hits, misses
 *   &lt;prefix&gt;fills               the pub/sub channel announcing filled memos
 * </pre>
 *
 * Cache names are {@code [A-Za-z0-9._-]}, so no name can contain a brace and escape its tag.
 */
public final class CacheKeys {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String prefix;

    public CacheKeys(String prefix) {
        this.prefix = prefix;
    }

    public byte[] entry(CacheName cache, byte[] key) {
        return concat(entryPrefix(cache), key);
    }

    /** What every entry key of the cache starts with. */
    public byte[] entryPrefix(CacheName cache) {
        return utf8(tag(cache) + ":e:");
    }

    /** A SCAN pattern matching exactly the entries of one cache. */
    public byte[] entryPattern(CacheName cache) {
        return utf8(RedisKeyScan.globEscape(tag(cache) + ":e:") + "*");
    }

    /** A SCAN pattern matching one kind of per-cache key ({@code :index}, {@code :stats}) of every cache. */
    public byte[] anyCachePattern(String suffix) {
        return utf8(RedisKeyScan.globEscape(prefix + "{") + "*" + RedisKeyScan.globEscape("}" + suffix));
    }

    /** The cache a key found by {@link #anyCachePattern} belongs to; empty when it is some other key that matched. */
    public Optional<String> cacheOf(byte[] key, String suffix) {
        String text = new String(key, StandardCharsets.UTF_8);
        String head = prefix + "{";
        String tail = "}" + suffix;
        if (!text.startsWith(head) || !text.endsWith(tail) || text.length() < head.length() + tail.length()) {
            return Optional.empty();
        }
        String name = text.substring(head.length(), text.length() - tail.length());
        return NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    public byte[] lock(CacheName cache, byte[] key) {
        return concat(utf8(tag(cache) + ":l:"), key);
    }

    public byte[] index(CacheName cache) {
        return utf8(tag(cache) + ":index");
    }

    public byte[] statistics(CacheName cache) {
        return utf8(tag(cache) + ":stats");
    }

    public byte[] fillChannel() {
        return utf8(prefix + "fills");
    }

    private String tag(CacheName cache) {
        return prefix + "{" + cache.value() + "}";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] joined = new byte[head.length + tail.length];
        System.arraycopy(head, 0, joined, 0, head.length);
        System.arraycopy(tail, 0, joined, head.length, tail.length);
        return joined;
    }
}
