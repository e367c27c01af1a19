package com.distpatterns.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's own settings.
 *
 * @param apiKeys accepted values of {@code X-API-Key}; empty leaves the gateway open (and says so at start)
 * @param adminPaths path patterns that always need a valid key, even on an open gateway
 * @param rateLimit the per-client request rate limit
 */
@Validated
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @NotNull List<String> apiKeys,
        @NotNull List<String> adminPaths,
        @Valid @NotNull RateLimit rateLimit) {

    public GatewayProperties {
        apiKeys = apiKeys.stream().map(String::strip).filter(key -> !key.isEmpty()).toList();
        adminPaths = List.copyOf(adminPaths);
    }

    /**
     * A token bucket per client (API key, or client IP on an open gateway), kept in Redis so that every gateway
     * replica shares it; each replica leases its tokens in batches (see {@code LeasingRateLimiter} for the bound).
     *
     * @param enabled whether to limit at all
     * @param replenishPerSecond tokens added per second: the sustained rate
     * @param burstCapacity the bucket's size: the largest burst
     * @param keyPrefix the Redis key prefix of the buckets
     * @param redisTimeout how long to wait for Redis before letting the request through unlimited
     * @param maxLease the most tokens a replica leases at once for one client (and at most a tenth of the burst); null
     *     for 20 ms of the rate, at least 40 ({@code LeasingRateLimiter.defaultMaxLease})
     * @param leaseTtl how long leased tokens stay spendable in the replica that leased them
     * @param failOpenFor after Redis failed to answer, how long calls pass unlimited before Redis is asked again
     */
    public record RateLimit(
            boolean enabled,
            @Positive double replenishPerSecond,
            @Positive int burstCapacity,
            @NotBlank String keyPrefix,
            @NotNull Duration redisTimeout,
            @Positive Integer maxLease,
            @NotNull Duration leaseTtl,
            @NotNull Duration failOpenFor) {

        public RateLimit {
            if (leaseTtl != null && !leaseTtl.isPositive()) {
                throw new IllegalArgumentException("gateway.rate-limit.lease-ttl must be positive");
            }
            if (failOpenFor != null && !failOpenFor.isPositive()) {
                throw new IllegalArgumentException("gateway.rate-limit.fail-open-for must be positive");
            }
        }
    }
}
