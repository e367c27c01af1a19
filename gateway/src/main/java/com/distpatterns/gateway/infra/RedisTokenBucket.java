package com.distpatterns.gateway.infra;

import com.distpatterns.gateway.core.TokenLease;
import com.distpatterns.gateway.core.TokenSource;
import java.time.Duration;
import java.util.List;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** The token buckets every gateway replica shares, in Redis, one per client: a lease is one Lua script call. */
public final class RedisTokenBucket implements TokenSource {

  private static final RedisScript<String> SCRIPT =
      RedisScript.of(new ClassPathResource("scripts/token-bucket.lua"), String.class);

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

  private static TokenLease decode(String reply) {
    String[] parts = reply.split(" ");
    return new TokenLease(
        Integer.parseInt(parts[0]),
        Long.parseLong(parts[1]),
        Duration.ofMillis(Long.parseLong(parts[2])),
        Duration.ofMillis(Long.parseLong(parts[3])));
  }
}
