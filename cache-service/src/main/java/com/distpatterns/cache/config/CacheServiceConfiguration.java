package com.distpatterns.cache.config;

import com.distpatterns.cache.core.CacheName;
import com.distpatterns.cache.core.Square;
import com.distpatterns.cache.core.SquareComputation;
import com.distpatterns.cache.core.StampedeGuardSettings;
import com.distpatterns.cache.infra.CacheKeys;
import com.distpatterns.cache.infra.FillSubscription;
import com.distpatterns.cache.infra.JsonValueCodec;
import com.distpatterns.cache.infra.RedisCacheStore;
import com.distpatterns.cache.infra.RedisFillNotices;
import com.distpatterns.cache.infra.RedisMemoStore;
import com.distpatterns.cache.infra.StampedeProofCache;
import com.distpatterns.cache.core.CacheStore;
import com.distpatterns.cache.core.NearCache;
import com.distpatterns.cache.infra.HitCounts;
import com.distpatterns.cache.infra.InvalidationChannel;
import com.distpatterns.cache.infra.NearCacheLifecycle;
import com.distpatterns.cache.infra.NearCacheSupport;
import com.distpatterns.cache.infra.NearCachedStore;
import io.lettuce.core.resource.Delay;
import java.util.UUID;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Primary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.support.SimpleCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import tools.jackson.databind.json.JsonMapper;

/** Wires the Redis store, the stampede-proof Spring cache and the memoised computation. */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class CacheServiceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CacheServiceConfiguration.class);

    /**
     * Lettuce backs off up to 30 s between reconnect attempts by default; capped at 1 s, the service is back within
     * about a second of Redis.
     */
    @Bean
    ClientResourcesBuilderCustomizer quickRedisReconnect() {
        return resources -> resources.reconnectDelay(
                Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
    }

    /**
     * Keys are any UTF-8, '/', '\\' and '%' included: Jetty refuses their encoded forms by default as ambiguous; let
     * through, they stay inside the {key} path segment and Spring decodes them into the variable. Decoding is safe
     * here: no path is ever mapped to a file, and every route names its variables by segment.
     */
    @Bean
    JettyServerCustomizer slashesInKeys() {
        UriCompliance keys = UriCompliance.DEFAULT.with("KEYS_IN_PATHS",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
                UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS);
        return server -> {
            for (Connector connector : server.getConnectors()) {
                HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
                if (http != null) {
                    http.getHttpConfiguration().setUriCompliance(keys);
                }
            }
            for (ServletContextHandler context : server.getDescendants(ServletContextHandler.class)) {
                context.getServletHandler().setDecodeAmbiguousURIs(true);
            }
        };
    }

    @Bean
    CacheKeys cacheKeys(CacheServiceProperties properties) {
        return new CacheKeys(properties.keyPrefix());
    }

    @Bean
    RedisCacheStore cacheStore(RedisConnectionFactory connections, CacheKeys keys, CacheServiceProperties properties) {
        return new RedisCacheStore(connections, keys, properties.flushBatchSize());
    }

    /**
     * What the API reads and writes: the Redis store behind a near cache when its invalidation channel can work (one
     * Redis server), the Redis store alone otherwise.
     */
    @Bean
    @Primary
    CacheStore entries(RedisCacheStore redis, ObjectProvider<NearCachedStore> near) {
        NearCachedStore nearCached = near.getIfAvailable();
        return nearCached != null ? nearCached : redis;
    }

    @Bean
    NearCache nearCache(CacheServiceProperties properties) {
        CacheServiceProperties.Near near = properties.near();
        return new NearCache(near.maxEntries(), near.maxBytes().toBytes(), near.maxStaleness().toNanos());
    }

    @Bean
    HitCounts nearHitCounts(RedisConnectionFactory connections, CacheKeys keys) {
        return new HitCounts(connections, keys);
    }

    /** Null (no near cache) when disabled, or when Redis is a Cluster or behind Sentinel: see docs/cache.md. */
    @Bean
    NearCachedStore nearCachedStore(RedisCacheStore redis, NearCache near, CacheKeys keys, HitCounts hitCounts,
            RedisConnectionFactory connections, CacheServiceProperties properties) {
        if (!properties.near().enabled() || NearCacheSupport.trackingUri(connections).isEmpty()) {
            log.info("Near cache off ({}): every GET reads Redis",
                    properties.near().enabled() ? "Redis is not a single server" : "cache.near.enabled=false");
            return null;
        }
        return new NearCachedStore(redis, near, keys, hitCounts);
    }

    @Bean
    NearCacheLifecycle nearCacheLifecycle(ObjectProvider<NearCachedStore> store, NearCache near, HitCounts hitCounts,
            RedisConnectionFactory connections, CacheServiceProperties properties) {
        if (store.getIfAvailable() == null) {
            return null;
        }
        CacheServiceProperties.Near settings = properties.near();
        InvalidationChannel channel = new InvalidationChannel(near, NearCacheSupport.clientResources(connections),
                NearCacheSupport.trackingUri(connections).orElseThrow(), properties.keyPrefix(),
                "near-cache:" + UUID.randomUUID());
        return new NearCacheLifecycle(channel, hitCounts, settings.maxStaleness().dividedBy(4),
                settings.statisticsFlushInterval());
    }

    @Bean
    RedisFillNotices fillNotices(RedisConnectionFactory connections, CacheKeys keys) {
        return new RedisFillNotices(connections, keys.fillChannel());
    }

    /** The instance's one subscription, shared by all its waiters; started by {@link FillSubscription}. */
    @Bean
    RedisMessageListenerContainer fillListener(RedisConnectionFactory connections, RedisFillNotices notices,
            CacheKeys keys) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        container.setRecoveryInterval(1_000);
        container.setAutoStartup(false);
        container.addMessageListener(notices, new ChannelTopic(new String(keys.fillChannel(), StandardCharsets.UTF_8)));
        return container;
    }

    @Bean
    FillSubscription fillSubscription(RedisMessageListenerContainer fillListener) {
        return new FillSubscription(fillListener, Duration.ofSeconds(1));
    }

    @Bean
    CacheManager cacheManager(RedisConnectionFactory connections, RedisCacheStore store, RedisFillNotices notices,
            CacheKeys keys, JsonMapper json, CacheServiceProperties properties) {
        CacheServiceProperties.Compute compute = properties.compute();
        CacheName square = new CacheName(SquareComputation.CACHE);
        StampedeGuardSettings settings = new StampedeGuardSettings(compute.ttl(), compute.lockLease(),
                compute.maxWait(),
                compute.recheckInterval(), compute.earlyRefreshBeta());
        SimpleCacheManager manager = new SimpleCacheManager();
        manager.setCaches(
                List.of(new StampedeProofCache<>(square, Square.class, new JsonValueCodec<>(json, Square.class),
                        new RedisMemoStore(square, store, connections, keys, json), store, notices, settings)));
        return manager;
    }

    @Bean
    SquareComputation squareComputation(CacheServiceProperties properties) {
        return new SquareComputation(properties.compute().work());
    }
}
