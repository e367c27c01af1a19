package com.distpatterns.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the suite: the gateway's URL, the API key, and the bounds every remote call stays within.
 *
 * @param url the gateway (or one service) as {@code http://host:port}; paths are appended to it
 * @param apiKey sent as {@code X-API-Key}; {@code null} or blank for an open gateway
 * @param connectTimeout bound on opening a connection
 * @param requestTimeout bound on one call that does not wait by design (a lock acquire adds its own wait to it)
 * @param retry how transient failures are retried
 * @param lockLeaseTime the lease a {@link DistributedLock} takes and its watchdog keeps renewing
 */
public record ClientSettings(URI url, String apiKey, Duration connectTimeout, Duration requestTimeout,
        RetryPolicy retry, Duration lockLeaseTime) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** As Redisson's watchdog: long enough to ride out a slow renewal, short enough that a dead holder frees soon. */
    public static final Duration DEFAULT_LOCK_LEASE_TIME = Duration.ofSeconds(30);

    public ClientSettings {
        Objects.requireNonNull(url, "url");
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw new IllegalArgumentException("distpatterns url must be http(s)://host[:port], was " + url);
        }
        connectTimeout = positive(connectTimeout, DEFAULT_CONNECT_TIMEOUT, "connectTimeout");
        requestTimeout = positive(requestTimeout, DEFAULT_REQUEST_TIMEOUT, "requestTimeout");
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
        lockLeaseTime = positive(lockLeaseTime, DEFAULT_LOCK_LEASE_TIME, "lockLeaseTime");
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    public static ClientSettings of(String url, String apiKey) {
        return new ClientSettings(URI.create(url), apiKey, null, null, null, null);
    }

    public ClientSettings withRequestTimeout(Duration timeout) {
        return new ClientSettings(url, apiKey, connectTimeout, timeout, retry, lockLeaseTime);
    }

    public ClientSettings withRetry(RetryPolicy policy) {
        return new ClientSettings(url, apiKey, connectTimeout, requestTimeout, policy, lockLeaseTime);
    }

    public ClientSettings withLockLeaseTime(Duration leaseTime) {
        return new ClientSettings(url, apiKey, connectTimeout, requestTimeout, retry, leaseTime);
    }

    static Duration positive(Duration value, Duration fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }
}
