package com.distpatterns.gateway.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A client's rate limit, decided in this replica from tokens it leases in batches from the bucket every replica
 * shares: most calls cost no round trip to that bucket.
 *
 * <p>Per client, this replica holds a few tokens leased from the shared bucket and spends them locally. A lease
 * starts at one token and doubles while the client spends each one before it expires, up to
 * {@code min(maxLease, burst / 10)}; it halves when tokens expire unspent. Leased tokens expire {@code leaseTtl}
 * after they were granted: so that a replica's unspent tokens cannot be saved up for a later burst. When the shared
 * bucket says it is empty, this replica refuses the client locally until the bucket holds a token again.
 *
 * <p>A busy client's next lease is asked for ahead, once a quarter of the last one is left, so that its calls do
 * not wait for the round trip. They did every time its tokens ran out: with one client at 7,000 calls/s through
 * one replica, a sixth of the gateway's CPU samples were calls going on after such a wait, each one more hop from
 * the Redis client's thread back to its own. What a replica holds, the tokens left and those leased ahead, stays at
 * most {@code maxLease}. Calls that find no token while a lease is on its way wait for that one lease.
 *
 * <p>A burst from a client that held nothing (a new client, or one back after a pause) waits for two leases, not one
 * per doubling: the next lease asks for at least as many tokens as the calls that waited for the last one and found
 * none. And a client keeps its lease size for {@link #FORGET_AFTER_LEASES} lease lifetimes after its last call,
 * halved once when tokens expired unspent, so a client back after a pause shorter than that waits for one lease.
 * Measured at 4,000 calls/s on 50 connections in bursts of 1 s with 2 s pauses (scripts/bench/gateway-ab.sh),
 * the calls due in a burst's first 10 ms took a median 8.0 ms before, 5.7 ms after, and 2.7 ms through the bare
 * gateway: the 50 calls had waited through leases of 1, 2, 4, 8, 16 and 32 tokens, one round trip after another.
 *
 * <p>The bound: tokens leave the shared bucket only when granted, and a granted token is spent within
 * {@code leaseTtl} or never. So over any window of {@code T} seconds, all replicas together admit at most
 * {@code burst + rate * T + min(replicas * maxLease, rate * leaseTtl)}: the shared bucket's own admits plus what
 * replicas held at the start of the window. They admit less than a single bucket would by at most the tokens
 * held unspent at the end of the window, and those that expire unspent.
 *
 * <p>When the shared bucket cannot be reached the call goes through unlimited, and for {@code failOpenFor} after
 * that every call does without asking it again: the rate limit protects the services, and a Redis outage must not
 * become an outage (nor a slowdown) of every route. The switch is logged once each way.
 */
public final class LeasingRateLimiter implements RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(LeasingRateLimiter.class);
    /** Leases one call may wait for before it is refused: only reached when many calls race for a nearly empty bucket. */
    private static final int MAX_ATTEMPTS = 8;
    /** The smallest default cap on a lease: 200 ms of the default rate of 200 calls/s. */
    private static final int MIN_DEFAULT_LEASE = 40;
    /** The default cap on a lease, as time spent at the client's full rate. */
    private static final double DEFAULT_LEASE_SECONDS = 0.020;
    /**
     * Lease lifetimes a client holding nothing is remembered for: its lease size outlives pauses of a client that
     * calls in bursts, and the map holds one small entry per client seen in the last 30 s at the default lifetime.
     */
    public static final int FORGET_AFTER_LEASES = 30;

    /**
     * @param replenishPerSecond the shared bucket's rate
     * @param burstCapacity the shared bucket's size
     * @param maxLease the most tokens one lease asks for (also at most a tenth of the burst)
     * @param leaseTtl how long leased tokens stay spendable
     * @param failOpenFor how long to let calls through without asking, after the shared bucket could not be reached
     */
    public record Settings(double replenishPerSecond, int burstCapacity, int maxLease, Duration leaseTtl,
            Duration failOpenFor) {}

    private final TokenSource source;
    private final Settings settings;
    private final int maxLease;
    private final long leaseTtlNanos;
    private final long forgetAfterNanos;
    private final long failOpenNanos;
    private final LongSupplier nanoClock;
    private final Map<String, LocalBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicBoolean failingOpen = new AtomicBoolean();
    private volatile long failOpenUntil;
    private final AtomicLong nextSweep;
    private final Executor sweeper;

    /**
     * @param sweeper where the idle clients are forgotten, once per lease lifetime: not on the call that finds it due,
     *     which would wait for a walk of every client seen in the last {@link #FORGET_AFTER_LEASES} lease lifetimes
     *     (measured: 5-8 ms for 100,000 clients, 8-15 ms when it forgets them all; 0.2 ms for 1,000)
     */
    public LeasingRateLimiter(TokenSource source, Settings settings, LongSupplier nanoClock, Executor sweeper) {
        this.source = source;
        this.settings = settings;
        this.sweeper = sweeper;
        this.maxLease = Math.max(1, Math.min(settings.maxLease(), settings.burstCapacity() / 10));
        this.leaseTtlNanos = settings.leaseTtl().toNanos();
        this.forgetAfterNanos = FORGET_AFTER_LEASES * leaseTtlNanos;
        this.failOpenNanos = settings.failOpenFor().toNanos();
        this.nanoClock = nanoClock;
        this.nextSweep = new AtomicLong(nanoClock.getAsLong() + leaseTtlNanos);
    }

    /**
     * The cap on a lease when the operator sets none: 20 ms of the rate, and at least 40 tokens.
     *
     * <p>A cap of a fixed number of tokens makes a busy client's round trips to Redis grow with the rate it is allowed:
     * 40 tokens last 200 ms at the default 200 calls/s, but 2 ms at 20,000 calls/s, and the lease asked for ahead then
     * has half a millisecond to arrive, less than a round trip to Redis may take on a busy machine; the calls that find
     * no token wait for it (measured at 20,000 GETs/s through one replica: a cap of 400 instead of 40 made the gateway
     * 3.6 % faster, its CPU per call 0.97x). A cap of 20 ms of the rate keeps the lease ahead's time to arrive at 5 ms
     * whatever the rate, and what the replicas may admit over the limit at {@code replicas x 20 ms} of the rate: with 3
     * replicas, 0.6 % over a 10 s window.
     */
    public static int defaultMaxLease(double replenishPerSecond) {
        return (int) Math.min(Integer.MAX_VALUE,
                Math.max(MIN_DEFAULT_LEASE, Math.ceil(replenishPerSecond * DEFAULT_LEASE_SECONDS)));
    }

    /** The most tokens one replica leases at once for one client. */
    public int maxLease() {
        return maxLease;
    }

    @Override
    public Mono<RateLimitDecision> consume(String clientId) {
        return consume(clientId, 1);
    }

    private Mono<RateLimitDecision> consume(String clientId, int attempt) {
        long now = nanoClock.getAsLong();
        if (failingOpen.get() && now - failOpenUntil < 0) {
            return Mono.just(RateLimitDecision.unlimited(settings.burstCapacity()));
        }
        sweepIfDue(now);
        Mono<Boolean> lease;
        while (true) {
            LocalBucket bucket = buckets.computeIfAbsent(clientId, id -> new LocalBucket());
            Mono<Boolean> ahead = null;
            RateLimitDecision decided;
            synchronized (bucket) {
                if (bucket.swept) {
                    continue; // forgotten between the lookup and the lock: the map holds (or will make) its successor
                }
                decided = bucket.take(now);
                if (decided != null) {
                    if (decided.allowed() && bucket.pending == null && bucket.leaseAheadDue()) {
                        ahead = lease(clientId, bucket, bucket.aheadLeaseSize());
                        bucket.pending = ahead;
                    }
                } else if (attempt > MAX_ATTEMPTS) {
                    return Mono.just(refusal(
                            Duration.ofMillis(Math.max(1, (long) Math.ceil(1000 / settings.replenishPerSecond())))));
                } else {
                    if (bucket.pending == null) {
                        bucket.pending = lease(clientId, bucket, bucket.nextLeaseSize(now));
                    }
                    bucket.waiting++;
                    lease = bucket.pending;
                    break;
                }
            }
            if (ahead != null) {
                ahead.subscribe(); // settles on its own, failures included (lease); later calls may wait for it
            }
            return Mono.just(decided);
        }
        // A failed lease lets its waiters through whatever the clock says since: failing open never refuses.
        return lease.flatMap(leased -> leased
                ? consume(clientId, attempt + 1)
                : Mono.just(RateLimitDecision.unlimited(settings.burstCapacity())));
    }

    /**
     * One lease for every call of this client that waits meanwhile, true when it was granted (even zero tokens),
     * false when the shared bucket could not be reached; each settles before the waiters look again.
     */
    private Mono<Boolean> lease(String clientId, LocalBucket bucket, int wanted) {
        return source.lease(clientId, wanted)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("the shared bucket gave no answer")))
                .doOnNext(lease -> {
                    synchronized (bucket) {
                        bucket.receive(lease, wanted, nanoClock.getAsLong());
                    }
                    if (failingOpen.compareAndSet(true, false)) {
                        log.info("Rate limiting resumed: the shared bucket (Redis) answers again");
                    }
                })
                .doOnError(failure -> {
                    synchronized (bucket) {
                        bucket.pending = null;
                        bucket.waiting = 0;
                    }
                    failOpenUntil = nanoClock.getAsLong() + failOpenNanos;
                    if (failingOpen.compareAndSet(false, true)) {
                        log.warn(
                                "Rate limiting suspended, requests pass unlimited: the shared bucket (Redis) is unavailable ({})",
                                failure.toString());
                    }
                })
                .map(lease -> true)
                .onErrorReturn(false)
                .cache();
    }

    /** Has the sweeper forget the idle clients, at most once per lease lifetime. */
    private void sweepIfDue(long now) {
        long due = nextSweep.get();
        if (now - due < 0 || !nextSweep.compareAndSet(due, now + leaseTtlNanos)) {
            return;
        }
        try {
            sweeper.execute(this::sweep);
        } catch (RejectedExecutionException shuttingDown) {
            // The gateway is stopping: nothing is left to save memory for, and the call must not fail for it.
        }
    }

    /**
     * Forgets the clients that have held nothing and waited for nothing for {@link #FORGET_AFTER_LEASES} lease
     * lifetimes, by one thread that holds no other bucket's lock meanwhile.
     */
    private void sweep() {
        long now = nanoClock.getAsLong();
        buckets.forEach((clientId, bucket) -> {
            synchronized (bucket) {
                if (bucket.idleFor(now, forgetAfterNanos)) {
                    bucket.swept = true;
                    buckets.remove(clientId, bucket);
                }
            }
        });
    }

    private RateLimitDecision allowed(long remaining) {
        long capped = Math.min(settings.burstCapacity(), remaining);
        return new RateLimitDecision(true, settings.burstCapacity(), capped, Duration.ZERO, untilFull(capped));
    }

    private RateLimitDecision refusal(Duration retryAfter) {
        return new RateLimitDecision(false, settings.burstCapacity(), 0, retryAfter, untilFull(0));
    }

    private Duration untilFull(long remaining) {
        return Duration.ofMillis(
                (long) Math.ceil((settings.burstCapacity() - remaining) * 1000 / settings.replenishPerSecond()));
    }

    /** This replica's share of one client's bucket. Guarded by its own monitor. */
    private final class LocalBucket {
        /** The batch being spent. */
        private int tokens;
        private long expiresAt;
        /** A batch leased ahead while the one above was still being spent: spent once that one is gone. */
        private int aheadTokens;
        private long aheadExpiresAt;
        /** Whole tokens the shared bucket had left at the last lease. */
        private long sharedRemaining;
        private boolean empty;
        private long emptyUntil;
        private int leaseSize = 1;
        private boolean lastLeaseFull;
        private Mono<Boolean> pending;
        /** Calls waiting for {@code pending}. */
        private int waiting;
        /** Calls that waited for the last lease and found no token left of it. */
        private int unmet;
        /** Removed from the map: a caller that still holds it looks the client up again. */
        private boolean swept;

        /** A decision from what this replica holds, or null when it must lease first. */
        RateLimitDecision take(long now) {
            if (!(tokens > 0 && now - expiresAt < 0) && aheadTokens > 0) {
                tokens = aheadTokens;
                expiresAt = aheadExpiresAt;
                aheadTokens = 0;
            }
            if (tokens > 0 && now - expiresAt < 0) {
                tokens--;
                return allowed(tokens + aheadTokens + sharedRemaining);
            }
            if (empty && now - emptyUntil < 0) {
                return refusal(Duration.ofNanos(emptyUntil - now));
            }
            return null;
        }

        /** The size of a lease the calls wait for: every token held is gone, spent or expired. */
        int nextLeaseSize(long now) {
            if (tokens > 0 || aheadTokens > 0) {
                leaseSize = Math.max(1, leaseSize / 2);
                tokens = 0;
                aheadTokens = 0;
            } else if (lastLeaseFull && now - expiresAt < 0) {
                leaseSize = Math.min(maxLease, leaseSize * 2);
            }
            leaseSize = Math.max(leaseSize, Math.min(maxLease, unmet));
            unmet = 0;
            return leaseSize;
        }

        /**
         * Whether to lease ahead: the client is busy (its leases grew past one token: it spent a whole lease before
         * it expired), spent all but a quarter of the last one (a call was just allowed), the shared bucket granted
         * that lease in full and still held another as large, and nothing is leased ahead yet. A client that calls
         * once in a while never costs a lease ahead, nor does a limit too small for leases of more than one token;
         * nor does a client at its limit, whose lease ahead would come back empty, one more round trip for nothing.
         */
        boolean leaseAheadDue() {
            return leaseSize > 1 && lastLeaseFull && sharedRemaining >= leaseSize && aheadTokens == 0
                    && tokens <= leaseSize / 4;
        }

        /** The size of a lease ahead: grown as for a client that spends its tokens, within maxLease held in all. */
        int aheadLeaseSize() {
            leaseSize = Math.min(maxLease, leaseSize * 2);
            return Math.max(1, Math.min(leaseSize, maxLease - tokens));
        }

        void receive(TokenLease lease, int wanted, long now) {
            if (tokens > 0 && now - expiresAt < 0) {
                aheadTokens = lease.granted();
                aheadExpiresAt = now + leaseTtlNanos;
            } else {
                tokens = lease.granted();
                expiresAt = now + leaseTtlNanos;
            }
            sharedRemaining = lease.remaining();
            lastLeaseFull = lease.granted() >= wanted;
            unmet = Math.max(0, waiting - lease.granted());
            waiting = 0;
            empty = lease.retryAfter().isPositive();
            emptyUntil = now + lease.retryAfter().toNanos();
            pending = null;
        }

        /** Whether it has held nothing and waited for nothing for {@code nanos}. */
        boolean idleFor(long now, long nanos) {
            return pending == null && now - expiresAt >= nanos && (aheadTokens == 0 || now - aheadExpiresAt >= nanos)
                    && (!empty || now - emptyUntil >= nanos);
        }
    }
}
