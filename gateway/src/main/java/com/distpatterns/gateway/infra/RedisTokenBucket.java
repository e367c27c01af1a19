package com.distpatterns.gateway.infra;

import com.distpatterns.gateway.config.GatewayProperties;
import com.distpatterns.gateway.core.RateLimitDecision;
import com.distpatterns.gateway.core.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Token buckets in Redis, one per client, updated by one Lua script call per request.
 *
 * <p>When Redis does not answer in time the request goes through unlimited: the rate limit protects the
 * services, and a Redis outage must not become an outage of every route. The switch is logged once each way.
 */
public final class RedisTokenBucket implements RateLimiter {

  private static final Logger log = LoggerFactory.getLogger(RedisTokenBucket.class);
  private static final RedisScript<String> SCRIPT =
      RedisScript.of(new ClassPathResource("scripts/token-bucket.lua"), String.class);

  private final ReactiveStringRedisTemplate redis;
  private final GatewayProperties.RateLimit settings;
  private final List<String> args;
  private final AtomicBoolean failingOpen = new AtomicBoolean();

  public RedisTokenBucket(ReactiveStringRedisTemplate redis, GatewayProperties.RateLimit settings) {
    this.redis = redis;
    this.settings = settings;
    this.args = List.of(Double.toString(settings.replenishPerSecond()), Integer.toString(settings.burstCapacity()));
  }

  @Override
  public Mono<RateLimitDecision> consume(String clientId) {
    // The braces make a Redis Cluster hash tag: one bucket lives in one slot.
    String key = settings.keyPrefix() + "{" + clientId + "}";
    return redis.execute(SCRIPT, List.of(key), args)
        .next()
        .timeout(settings.redisTimeout())
        .map(this::decode)
        .doOnNext(decision -> {
          if (failingOpen.compareAndSet(true, false)) {
            log.info("Rate limiting resumed: Redis answers again");
          }
        })
        .onErrorResume(e -> {
          if (failingOpen.compareAndSet(false, true)) {
            log.warn("Rate limiting suspended, requests pass unlimited: Redis unavailable ({})", e.toString());
          }
          return Mono.just(RateLimitDecision.unlimited(settings.burstCapacity()));
        });
  }

  private RateLimitDecision decode(String reply) {
    String[] parts = reply.split(" ");
    return new RateLimitDecision(
        "1".equals(parts[0]),
        settings.burstCapacity(),
        Long.parseLong(parts[1]),
        Duration.ofMillis(Long.parseLong(parts[2])),
        Duration.ofMillis(Long.parseLong(parts[3])));
  }
}
