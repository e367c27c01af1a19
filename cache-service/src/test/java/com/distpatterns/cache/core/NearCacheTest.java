package com.distpatterns.cache.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The near cache's rules on their own, with explicit clocks: reserve-before-read, the lease, the bounds. */
class NearCacheTest {

    private static final long SECOND = 1_000_000_000L;

    private static NearCache confirmedAt(long now, int maxEntries, long maxBytes) {
        NearCache near = new NearCache(maxEntries, maxBytes, SECOND);
        near.confirm(now, near.epoch());
        return near;
    }

    private static void store(NearCache near, String key, String value, long expiresAt) {
        NearCache.Reservation reservation = near.reserve(key);
        near.fill(reservation, key, new NearCache.Entry(value.getBytes(), expiresAt));
    }

    @Test
    void aValueReadBeforeAnInvalidationIsNotKept() {
        NearCache near = confirmedAt(0, 100, 1_000);
        NearCache.Reservation reservation = near.reserve("k");
        near.invalidate("k"); // a write landed while the read was on its way
        near.fill(reservation, "k", new NearCache.Entry("old".getBytes(), 10 * SECOND));
        assertThat(near.lookup("k", 1)).isEmpty();
        assertThat(near.size()).isZero();
    }

    @Test
    void aSecondReaderOfAReservedKeyDoesNotStore() {
        NearCache near = confirmedAt(0, 100, 1_000);
        NearCache.Reservation first = near.reserve("k");
        assertThat(near.reserve("k")).isNull();
        near.fill(first, "k", new NearCache.Entry("v".getBytes(), 10 * SECOND));
        assertThat(near.lookup("k", 1)).isPresent();
    }

    @Test
    void servedOnlyWhileTheLeaseHoldsAndNeverPastExpiry() {
        NearCache near = confirmedAt(0, 100, 1_000);
        store(near, "k", "v", 5 * SECOND);
        assertThat(near.lookup("k", SECOND - 1)).isPresent();
        assertThat(near.lookup("k", SECOND)).as("last probe confirmed a second ago").isEmpty();
        near.confirm(4 * SECOND, near.epoch());
        assertThat(near.lookup("k", 5 * SECOND - 1)).isPresent();
        assertThat(near.lookup("k", 5 * SECOND)).as("expired").isEmpty();
    }

    @Test
    void invalidateAllEmptiesAndIgnoresConfirmationsFromTheOldChannel() {
        NearCache near = confirmedAt(0, 100, 1_000);
        long oldEpoch = near.epoch();
        store(near, "k", "v", 10 * SECOND);
        NearCache.Reservation inFlight = near.reserve("j");
        near.invalidateAll();
        near.fill(inFlight, "j", new NearCache.Entry("v".getBytes(), 10 * SECOND));
        near.confirm(1, oldEpoch);
        assertThat(near.serving(2)).isFalse();
        assertThat(near.size()).isZero();
        near.confirm(1, near.epoch());
        assertThat(near.serving(2)).isTrue();
        assertThat(near.lookup("k", 2)).isEmpty();
    }

    @Test
    void boundedByEntriesAndBytesLeastRecentlyUsedFirst() {
        NearCache near = confirmedAt(0, 3, 10);
        store(near, "a", "1234", SECOND);
        store(near, "b", "1234", SECOND);
        near.lookup("a", 1);
        store(near, "c", "1234", SECOND); // 12 bytes > 10: b, the least recently used, goes
        assertThat(near.lookup("b", 1)).isEmpty();
        assertThat(near.lookup("a", 1)).isPresent();
        assertThat(near.bytes()).isEqualTo(8);
        store(near, "d", "1", SECOND);
        store(near, "e", "1", SECOND); // four entries > 3
        assertThat(near.size()).isEqualTo(3);
        store(near, "big", "12345678901", SECOND); // larger than the whole cache: never kept
        assertThat(near.lookup("big", 1)).isEmpty();
        assertThat(near.bytes()).isLessThanOrEqualTo(10);
    }
}
