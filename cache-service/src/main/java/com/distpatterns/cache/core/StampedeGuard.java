package com.distpatterns.cache.core;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memoisation that a crowd cannot stampede: a distributed single flight (the first caller of the fleet takes a
 * lock and computes, the others wait for its notice and read its result) and probabilistic early expiration
 * (XFetch: shortly before a memo expires, one caller recomputes it while the rest are still served).
 */
public final class StampedeGuard {

    private static final Logger log = LoggerFactory.getLogger(StampedeGuard.class);

    private final String name;
    private final MemoStore store;
    private final FillNotices notices;
    private final StampedeGuardSettings settings;
    private final LongSupplier nanoClock;
    private final DoubleSupplier random;

    /**
     * @param name the cache this guard serves; notices carry it so that caches sharing a channel stay apart
     * @param nanoClock a monotonic clock in nanoseconds
     * @param random uniform in (0, 1]
     */
    public StampedeGuard(String name, MemoStore store, FillNotices notices, StampedeGuardSettings settings,
            LongSupplier nanoClock, DoubleSupplier random) {
        this.name = name;
        this.store = store;
        this.notices = notices;
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.random = random;
    }

    public StampedeGuard(String name, MemoStore store, FillNotices notices, StampedeGuardSettings settings) {
        this(name, store, notices, settings, System::nanoTime, () -> 1.0 - ThreadLocalRandom.current().nextDouble());
    }

    /** The memoised value of {@code key}: from the store when there, otherwise computed once across the fleet. */
    public <T> T get(String key, ValueCodec<T> codec, Callable<T> loader) throws Exception {
        Optional<Memo> found = store.lookup(key);
        Optional<T> cached = found.flatMap(memo -> decode(key, codec, memo));
        if (cached.isPresent()) {
            if (!dueForEarlyRefresh(found.get())) {
                return cached.get();
            }
            String token = newToken();
            // Only the one caller that wins the lock refreshes; everyone else keeps being served meanwhile.
            return store.tryLock(key, token, settings.lockLease())
                    ? computeHoldingLock(key, token, codec, loader)
                    : cached.get();
        }
        return awaitOrCompute(key, codec, loader);
    }

    private <T> T awaitOrCompute(String key, ValueCodec<T> codec, Callable<T> loader) throws Exception {
        long deadline = nanoClock.getAsLong() + settings.maxWait().toNanos();
        while (true) {
            String token = newToken();
            if (store.tryLock(key, token, settings.lockLease())) {
                Optional<T> filled = peek(key, codec);
                if (filled.isPresent()) {
                    // Filled by a caller that finished between our lookup and our lock.
                    store.unlock(key, token);
                    return filled.get();
                }
                return computeHoldingLock(key, token, codec, loader);
            }
            try (FillNotices.FillWait wait = notices.expect(noticeKey(key))) {
                Optional<T> filled = peek(key, codec);
                if (filled.isPresent()) {
                    return filled.get();
                }
                long left = deadline - nanoClock.getAsLong();
                if (left <= 0) {
                    break;
                }
                wait.await(Duration.ofNanos(Math.min(left, settings.recheckInterval().toNanos())));
            }
            Optional<T> filled = peek(key, codec);
            if (filled.isPresent()) {
                return filled.get();
            }
        }
        // The holder is stuck or gone and its lease still runs: answering late beats not answering.
        log.warn("Waited {} for another caller to compute {}/{}; computing it here", settings.maxWait(), name, key);
        return computeAndStore(key, codec, loader);
    }

    private <T> T computeHoldingLock(String key, String token, ValueCodec<T> codec, Callable<T> loader)
            throws Exception {
        try {
            return computeAndStore(key, codec, loader);
        } finally {
            try {
                // Also on failure: the waiters wake, find nothing, and one of them takes its turn.
                notices.announce(noticeKey(key));
            } finally {
                store.unlock(key, token);
            }
        }
    }

    private <T> T computeAndStore(String key, ValueCodec<T> codec, Callable<T> loader) throws Exception {
        long start = nanoClock.getAsLong();
        T value = loader.call();
        Duration computeTime = Duration.ofNanos(nanoClock.getAsLong() - start);
        store.store(key, codec.encode(value), computeTime, settings.ttl());
        return value;
    }

    /**
     * XFetch (Vattani, Chierichetti, Lowenstein, VLDB 2015): refresh when {@code remaining <= computeTime * beta *
     * -ln(random)}. The chance rises smoothly as expiry nears and is larger for values that are slow to compute.
     */
    boolean dueForEarlyRefresh(Memo memo) {
        double head = memo.computeTime().toNanos() * settings.earlyRefreshBeta() * -Math.log(random.getAsDouble());
        return memo.remaining().toNanos() <= head;
    }

    private <T> Optional<T> peek(String key, ValueCodec<T> codec) {
        return store.peek(key).flatMap(memo -> decode(key, codec, memo));
    }

    private <T> Optional<T> decode(String key, ValueCodec<T> codec, Memo memo) {
        try {
            return Optional.of(codec.decode(memo.value()));
        } catch (IllegalArgumentException e) {
            // Someone wrote something else under this key (the entries API can): recompute and overwrite it.
            log.warn("Memo {}/{} cannot be read back ({}); recomputing it", name, key, e.getMessage());
            return Optional.empty();
        }
    }

    private String noticeKey(String key) {
        return name + '\n' + key;
    }

    private static String newToken() {
        return UUID.randomUUID().toString();
    }
}
