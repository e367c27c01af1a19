package com.distpatterns.gateway.infra;

import com.distpatterns.gateway.core.TokenLease;
import com.distpatterns.gateway.core.TokenSource;
import com.distpatterns.platform.redis.LuaScripts;
import com.distpatterns.platform.redis.ScriptReply;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** The token buckets every gateway replica shares, in Redis, one per client: a lease is one Lua script call. */
public final class RedisTokenBucket implements TokenSource {

    private static final RedisScript<List<Object>> SCRIPT = LuaScripts.loadList("token-bucket");

    private final ReactiveStringRedisTemplate redis;
    private final String keyPrefix;
    private final String rate;
    private final String capacity;
    private final Duration timeout;

    public RedisTokenBucket(ReactiveStringRedisTemplate redis, String keyPrefix, double replenishPerSecond,
            int burstCapacity, Duration timeout) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.rate = Double.toString(replenishPerSecond);
        this.capacity = Integer.toString(burstCapacity);
        this.timeout = timeout;
    }

    @Override
    public Mono<TokenLease> lease(String clientId, int wanted) {
        // The braces make a Redis Cluster hash tag: one bucket lives in one slot.
        String key = keyPrefix + "{" + clientId + "}";
        return redis.execute(SCRIPT, List.of(key), List.of(rate, capacity, Integer.toString(wanted)))
                .next()
                .timeout(timeout)
                .map(RedisTokenBucket::decode);
    }

    private static TokenLease decode(List<Object> flat) {
        ScriptReply reply = ScriptReply.of(flat);
        return new TokenLease(
                Math.toIntExact(reply.number("granted")),
                reply.number("remaining"),
                Duration.ofMillis(reply.number("retryAfterMs")),
                Duration.ofMillis(reply.number("resetAfterMs")));
    }
}
