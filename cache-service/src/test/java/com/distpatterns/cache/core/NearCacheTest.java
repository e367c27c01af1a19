package com.distpatterns.cache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The near cache's rules on their own, with explicit clocks: reserve-before-read, the lease, the bounds, and lock-free
 * hits racing writers.
 */
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

    @Test
    void theClockGivesAnEntryLookedUpSinceItsLastPassASecondChance() {
        NearCache near = confirmedAt(0, 3, 1_000);
        store(near, "a", "1", SECOND);
        store(near, "b", "1", SECOND);
        store(near, "c", "1", SECOND);
        near.lookup("a", 1);
        near.lookup("b", 1);
        store(near, "d", "1", SECOND); // a and b were looked up: c, never looked up, goes
        assertThat(near.lookup("c", 1)).isEmpty();
        store(near, "e", "1", SECOND); // a and b lost their bits on that pass: the oldest, a, goes now
        assertThat(near.lookup("a", 1)).isEmpty();
        assertThat(near.lookup("b", 1)).isPresent();
        assertThat(near.lookup("d", 1)).isPresent();
        assertThat(near.lookup("e", 1)).isPresent();
        assertThat(near.size()).isEqualTo(3);
        assertThat(near.bytes()).isEqualTo(3);
    }

    @Test
    void everyEntryLookedUpStillEvictsOneWithinTheBounds() {
        NearCache near = confirmedAt(0, 2, 1_000);
        store(near, "a", "12", SECOND);
        store(near, "b", "12", SECOND);
        near.lookup("a", 1);
        near.lookup("b", 1);
        store(near, "c", "12", SECOND);
        assertThat(near.size()).isEqualTo(2);
        assertThat(near.bytes()).isEqualTo(4);
        assertThat(near.lookup("c", 1)).isPresent();
    }

    @Test
    void countsStayTrueThroughReplacementsInvalidationsAndExpiry() {
        NearCache near = confirmedAt(0, 100, 1_000);
        for (int round = 0; round < 1_000; round++) {
            store(near, "k", "123", SECOND); // each round leaves the clock a stale node of the last round's entry
            near.invalidate("k");
        }
        assertThat(near.size()).isZero();
        assertThat(near.bytes()).isZero();
        store(near, "k", "123", 2);
        store(near, "j", "45", SECOND);
        assertThat(near.lookup("k", 2)).as("expired").isEmpty();
        assertThat(near.size()).isEqualTo(1);
        assertThat(near.bytes()).isEqualTo(2);
        near.invalidateIf(key -> key.equals("j"));
        assertThat(near.size()).isZero();
        assertThat(near.bytes()).isZero();
        NearCache.Reservation reservation = near.reserve("j");
        near.release(reservation, "j");
        store(near, "j", "45", SECOND);
        assertThat(near.lookup("j", 1)).isPresent();
    }

    /**
     * Readers hit a hot key without a lock while a writer fills, evicts and invalidates others: every hit is counted,
     * a hit never returns another key's value, the bounds hold throughout, and once the writer's invalidation of the
     * hot key has returned no reader sees it.
     */
    @Test
    void concurrentHitsWhileAWriterFillsEvictsAndInvalidates() throws Exception {
        int maxEntries = 50;
        long maxBytes = 400;
        NearCache near = confirmedAt(0, maxEntries, maxBytes);
        store(near, "hot", "hot-value", 100 * SECOND);
        int readers = 4;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean hotGone = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(readers + 1);
        ExecutorService threads = Executors.newFixedThreadPool(readers + 1);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                results.add(threads.submit(() -> {
                    started.countDown();
                    started.await();
                    long found = 0;
                    while (!stop.get()) {
                        boolean gone = hotGone.get();
                        var hit = near.lookup("hot", 1);
                        if (hit.isPresent()) {
                            assertThat(gone).as("the hot key seen after its invalidation returned").isFalse();
                            assertThat(new String(hit.get().json())).isEqualTo("hot-value");
                            found++;
                        }
                        int k = (int) (found % 200);
                        var other = near.lookup("k" + k, 1);
                        if (other.isPresent()) {
                            assertThat(new String(other.get().json())).isEqualTo("v" + k);
                            found++;
                        }
                    }
                    return found;
                }));
            }
            Future<?> writer = threads.submit(() -> {
                started.countDown();
                started.await();
                for (int i = 0; i < 200_000; i++) {
                    int k = i % 200;
                    store(near, "k" + k, "v" + k, 100 * SECOND);
                    if (i % 7 == 0) {
                        near.invalidate("k" + (k * 31 % 200));
                    }
                    assertThat(near.size()).isLessThanOrEqualTo(maxEntries);
                    assertThat(near.bytes()).isLessThanOrEqualTo(maxBytes);
                }
                near.invalidate("hot");
                hotGone.set(true);
                Thread.sleep(50); // the readers go on a while with the hot key gone
                return null;
            });
            writer.get();
            stop.set(true);
            long found = 0;
            for (Future<Long> result : results) {
                found += result.get();
            }
            assertThat(found).isPositive();
            assertThat(near.hits()).as("every hit counted").isEqualTo(found);
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
    }
}
