package com.distpatterns.gateway.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Per client, this replica holds a few tokens leased from the shared bucket and spends them locally; when they
 * run out it leases more, and concurrent calls wait for that one lease. A lease starts at one token and doubles
 * while the client spends each one before it expires, up to {@code min(maxLease, burst / 10)}; it halves when
 * tokens expire unspent. Leased tokens expire {@code leaseTtl} after they were granted: so that a replica's
 * unspent tokens cannot be saved up for a later burst. When the shared bucket says it is empty, this replica
 * refuses the client locally until the bucket holds a token again.
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
    private final long failOpenNanos;
    private final LongSupplier nanoClock;
    private final Map<String, LocalBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicBoolean failingOpen = new AtomicBoolean();
    private volatile long failOpenUntil;
    private final AtomicLong nextSweep;

    public LeasingRateLimiter(TokenSource source, Settings settings, LongSupplier nanoClock) {
        this.source = source;
        this.settings = settings;
        this.maxLease = Math.max(1, Math.min(settings.maxLease(), settings.burstCapacity() / 10));
        this.leaseTtlNanos = settings.leaseTtl().toNanos();
        this.failOpenNanos = settings.failOpenFor().toNanos();
        this.nanoClock = nanoClock;
        this.nextSweep = new AtomicLong(nanoClock.getAsLong() + leaseTtlNanos);
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
            synchronized (bucket) {
                if (bucket.swept) {
                    continue; // forgotten between the lookup and the lock: the map holds (or will make) its successor
                }
                RateLimitDecision decided = bucket.take(now);
                if (decided != null) {
                    return Mono.just(decided);
                }
                if (attempt > MAX_ATTEMPTS) {
                    return Mono.just(refusal(
                            Duration.ofMillis(Math.max(1, (long) Math.ceil(1000 / settings.replenishPerSecond())))));
                }
                if (bucket.pending == null) {
                    bucket.pending = lease(clientId, bucket, now);
                }
                lease = bucket.pending;
                break;
            }
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
    private Mono<Boolean> lease(String clientId, LocalBucket bucket, long now) {
        int wanted = bucket.nextLeaseSize(now);
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

    /**
     * Forgets the clients that hold nothing and wait for nothing, at most once per lease lifetime, by one thread
     * that holds no other bucket's lock meanwhile.
     */
    private void sweepIfDue(long now) {
        long due = nextSweep.get();
        if (now - due < 0 || !nextSweep.compareAndSet(due, now + leaseTtlNanos)) {
            return;
        }
        buckets.forEach((clientId, bucket) -> {
            synchronized (bucket) {
                if (bucket.idle(now)) {
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
        private int tokens;
        private long expiresAt;
        /** Whole tokens the shared bucket had left at the last lease. */
        private long sharedRemaining;
        private boolean empty;
        private long emptyUntil;
        private int leaseSize = 1;
        private boolean lastLeaseFull;
        private Mono<Boolean> pending;
        /** Removed from the map: a caller that still holds it looks the client up again. */
        private boolean swept;

        /** A decision from what this replica holds, or null when it must lease first. */
        RateLimitDecision take(long now) {
            if (tokens > 0 && now - expiresAt < 0) {
                tokens--;
                return allowed(tokens + sharedRemaining);
            }
            if (empty && now - emptyUntil < 0) {
                return refusal(Duration.ofNanos(emptyUntil - now));
            }
            return null;
        }

        int nextLeaseSize(long now) {
            if (tokens > 0) {
                leaseSize = Math.max(1, leaseSize / 2);
                tokens = 0;
            } else if (lastLeaseFull && now - expiresAt < 0) {
                leaseSize = Math.min(maxLease, leaseSize * 2);
            }
            return leaseSize;
        }

        void receive(TokenLease lease, int wanted, long now) {
            tokens = lease.granted();
            expiresAt = now + leaseTtlNanos;
            sharedRemaining = lease.remaining();
            lastLeaseFull = lease.granted() >= wanted;
            empty = lease.retryAfter().isPositive();
            emptyUntil = now + lease.retryAfter().toNanos();
            pending = null;
        }

        boolean idle(long now) {
            return pending == null && now - expiresAt >= 0 && (!empty || now - emptyUntil >= 0);
        }
    }
}
