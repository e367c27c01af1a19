package com.distpatterns.cache.core;

import java.time.Duration;

/** The limits of the public API: what a cache name, key, value and time to live may be. */
public final class EntryLimits {

    public static final int MAX_CACHE_NAME_LENGTH = 64;
    public static final int MAX_KEY_BYTES = 512;
    public static final int MAX_VALUE_BYTES = 1024 * 1024;
    public static final long MIN_TTL_SECONDS = 1;
    public static final long MAX_TTL_SECONDS = 2_592_000;

    public static final int MAX_PAGE = 500;
    public static final int DEFAULT_PAGE = 100;

    private EntryLimits() {}

    /**
     * Parses the {@code ttlSeconds} query parameter.
     *
     * @param raw the parameter as sent, or {@code null} when absent
     * @param defaultTtl what an absent parameter means
     */
    public static Duration ttl(String raw, Duration defaultTtl) {
        if (raw == null) {
            return defaultTtl;
        }
        long seconds;
        try {
            seconds = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < MIN_TTL_SECONDS || seconds > MAX_TTL_SECONDS) {
            throw new InvalidInputException(InvalidInputException.Reason.TTL,
                    "ttlSeconds must be a whole number from " + MIN_TTL_SECONDS + " to " + MAX_TTL_SECONDS
                            + " (30 days), not '" + raw + "'.");
        }
        return Duration.ofSeconds(seconds);
    }
}
