package com.distpatterns.cache.config;

import com.distpatterns.cache.core.EntryLimits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The cache service's settings (defaults in {@code application.yml}). Redis itself is configured through the standard
 * {@code spring.data.redis.*}.
 *
 * @param keyPrefix what every Redis key of the service starts with; several deployments can share one Redis
 * @param defaultTtl an entry's time to live when the client names none (the API says 3600 s)
 * @param flushBatchSize the SCAN count, and the most keys one UNLINK batch removes, when a cache is flushed
 * @param compute the memoised computation behind {@code /api/compute/square/{n}}
 * @param near the per-instance near cache of hot entries
 */
@Validated
@ConfigurationProperties("cache")
public record CacheServiceProperties(
        @NotBlank @Pattern(regexp = "[^{}]*",
                message = "must not contain braces: they would break the per-cache hash tag") String keyPrefix,
        @NotNull Duration defaultTtl,
        @Positive int flushBatchSize,
        @Valid @NotNull Compute compute,
        @Valid @NotNull Near near) {

    public CacheServiceProperties {
        if (defaultTtl != null
                && (defaultTtl.toSeconds() < EntryLimits.MIN_TTL_SECONDS
                        || defaultTtl.toSeconds() > EntryLimits.MAX_TTL_SECONDS)) {
            throw new IllegalArgumentException(
                    "cache.default-ttl must lie within the API's range of 1 s to 30 days, not " + defaultTtl);
        }
    }

    /**
     * @param work how long one computation takes (the article's {@code time.sleep(2)})
     * @param ttl how long a computed square is served from the cache
     * @param lockLease how long one caller may hold a key's compute lock: longer than {@code work}
     * @param maxWait the longest a caller waits for another's computation before computing itself
     * @param recheckInterval how often a waiter looks again without a notice, in case a notice was lost
     * @param earlyRefreshBeta XFetch's beta: 0 turns early refresh off, 1 is the usual value
     */
    public record Compute(
            @NotNull Duration work,
            @NotNull Duration ttl,
            @NotNull Duration lockLease,
            @NotNull Duration maxWait,
            @NotNull Duration recheckInterval,
            @PositiveOrZero double earlyRefreshBeta) {}

    /**
     * @param enabled whether GETs of entries are served from memory (only on a single Redis; see docs/cache.md)
     * @param maxEntries the most entries kept
     * @param maxBytes the most value bytes kept
     * @param maxStaleness the longest a completed write can stay unseen by another instance: entries are served only
     *     while the invalidation channel answered a probe sent less than this long ago
     * @param statisticsFlushInterval how often hits served from memory are added to the shared statistics
     */
    public record Near(
            boolean enabled,
            @Positive int maxEntries,
            @NotNull DataSize maxBytes,
            @NotNull Duration maxStaleness,
            @NotNull Duration statisticsFlushInterval) {

        public Near {
            if (maxStaleness != null && maxStaleness.toMillis() < 100) {
                throw new IllegalArgumentException(
                        "cache.near.max-staleness must be at least 100 ms, not " + maxStaleness);
            }
        }
    }
}
