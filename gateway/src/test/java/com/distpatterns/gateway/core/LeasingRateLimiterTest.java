package com.distpatterns.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * When {@link LeasingRateLimiter} leases, step by step: each lease is answered by the test, when it chooses, as the
 * shared bucket would answer it (its contents are not modelled: it grants what is asked). What several replicas
 * admit together over a real Redis is {@code SharedRateLimitTest}'s.
 */
class LeasingRateLimiterTest {

    private static final Duration TTL = Duration.ofSeconds(1);

    /** A lease asked for and not answered yet. */
    record Asked(int wanted, Sinks.One<TokenLease> answer) {
        void grant() {
            answer.tryEmitValue(new TokenLease(wanted, 1_000_000, Duration.ZERO, Duration.ZERO));
        }
    }

    private final Queue<Asked> asked = new ArrayDeque<>();
    private final AtomicLong clock = new AtomicLong();
    private final LeasingRateLimiter limiter = new LeasingRateLimiter(answeredBy(this.asked),
            new LeasingRateLimiter.Settings(10_000, 10_000, 40, TTL, Duration.ofSeconds(1)), clock::get, Runnable::run);

    /** A shared bucket whose every lease waits in {@code asked} until the test answers it. */
    static TokenSource answeredBy(Queue<Asked> asked) {
        return (client, wanted) -> {
            Sinks.One<TokenLease> answer = Sinks.one();
            asked.add(new Asked(wanted, answer));
            return answer.asMono();
        };
    }

    @Test
    void aBusyClientsCallsDoNotWaitOnceItsLeasesAreAskedForAhead() {
        AtomicReference<RateLimitDecision> first = new AtomicReference<>();
        limiter.consume("c").subscribe(first::set);
        assertThat(first.get()).as("the very first call waits for a lease").isNull();
        int granted = grantAll();
        assertThat(first.get().allowed()).isTrue();
        int allowed = 1;
        List<Integer> waited = new ArrayList<>();
        for (int call = 2; call <= 1_000; call++) {
            clock.addAndGet(100_000); // 10,000 calls/s: every lease spent long before it expires
            Mono<RateLimitDecision> decision = limiter.consume("c");
            if (!(decision instanceof Fuseable.ScalarCallable<?>)) {
                waited.add(call);
            }
            AtomicReference<RateLimitDecision> answer = new AtomicReference<>();
            decision.subscribe(answer::set);
            granted += grantAll(); // the shared bucket answers before the next call
            assertThat(answer.get().allowed()).isTrue();
            allowed++;
            assertThat(granted - allowed).as("tokens held after call %d", call).isBetween(0, limiter.maxLease());
        }
        // The second call grows the lease past one token (a client seen once leases nothing ahead); none after.
        assertThat(waited).as("calls that waited for a lease, after the first").containsExactly(2);
        assertThat(granted).as("leases grow to their largest").isGreaterThan(1_000);
    }

    @Test
    void callsThatRunOutWhileALeaseIsOnItsWayWaitForThatOne() {
        int granted = spendUntilALeaseIsAskedForAhead();
        Asked ahead = asked.poll();
        // Spend what is left; the next call finds nothing and waits for the lease already asked for.
        int held = granted - spent;
        for (int i = 0; i < held; i++) {
            assertThat(limiter.consume("c")).isInstanceOf(Fuseable.ScalarCallable.class);
            spent++;
        }
        AtomicReference<RateLimitDecision> waiting = new AtomicReference<>();
        limiter.consume("c").subscribe(waiting::set);
        assertThat(waiting.get()).isNull();
        assertThat(asked).as("no second lease while one is on its way").isEmpty();

        ahead.grant();
        assertThat(waiting.get().allowed()).isTrue();
    }

    @Test
    void tokensLeasedAheadExpireALeaseLifetimeAfterTheirGrantUnspent() {
        spendUntilALeaseIsAskedForAhead();
        asked.poll().grant();
        clock.addAndGet(TTL.toNanos()); // both batches expire: none of their tokens may be spent now
        AtomicReference<RateLimitDecision> waiting = new AtomicReference<>();
        limiter.consume("c").subscribe(waiting::set);
        assertThat(waiting.get()).isNull();
        Asked fresh = asked.poll();
        assertThat(fresh).isNotNull();
        assertThat(fresh.wanted()).as("halved: tokens expired unspent").isLessThan(limiter.maxLease());
        fresh.grant();
        assertThat(waiting.get().allowed()).isTrue();
    }

    @Test
    void aBurstFromAClientThatHeldNothingWaitsForTwoLeases() {
        Queue<Asked> leases = new ArrayDeque<>();
        LeasingRateLimiter burst = new LeasingRateLimiter(answeredBy(leases),
                new LeasingRateLimiter.Settings(10_000, 10_000, 1_000, TTL, Duration.ofSeconds(1)), clock::get,
                Runnable::run);
        List<AtomicReference<RateLimitDecision>> calls = burstOf(burst, 50);
        List<Integer> wanted = grantUntilAnswered(leases, calls);
        // The first lease is of one token (the client's need is unknown); the second covers every call left waiting,
        // where doubling from one took six leases, one round trip to the shared bucket after another.
        assertThat(wanted).hasSize(2);
        assertThat(wanted.get(1)).isGreaterThanOrEqualTo(49);
    }

    @Test
    void aClientBackAfterAPauseWaitsForOneLease() {
        int granted = spendUntilALeaseIsAskedForAhead();
        assertThat(granted).isGreaterThan(100);
        grantAll();
        clock.addAndGet(5 * TTL.toNanos()); // every token expired, and the client sends a burst again
        List<Integer> wanted = grantUntilAnswered(asked, burstOf(limiter, 20));
        // Its lease had grown to the cap of 40; halved, as tokens expired unspent, it still covers the burst.
        assertThat(wanted).as("one lease").containsExactly(20);

        grantAll();
        clock.addAndGet((LeasingRateLimiter.FORGET_AFTER_LEASES + 2) * TTL.toNanos()); // long enough to be forgotten
        assertThat(grantUntilAnswered(asked, burstOf(limiter, 1))).as("a client forgotten starts at one token")
                .containsExactly(1);
    }

    @Test
    void theCallThatFindsTheSweepDueLeavesTheWalkToTheSweeper() {
        Queue<Asked> leases = new ArrayDeque<>();
        Queue<Runnable> sweeps = new ArrayDeque<>();
        LeasingRateLimiter swept = new LeasingRateLimiter(answeredBy(leases),
                new LeasingRateLimiter.Settings(10_000, 10_000, 1_000, TTL, Duration.ofSeconds(1)), clock::get,
                sweeps::add);
        assertThat(grantUntilAnswered(leases, burstOf(swept, 50))).containsExactly(1, 49);
        Asked ahead = leases.poll();
        assertThat(ahead.wanted()).as("asked for ahead, doubled").isEqualTo(98);
        ahead.grant();
        long forgotten = (LeasingRateLimiter.FORGET_AFTER_LEASES + 2) * TTL.toNanos();

        clock.addAndGet(forgotten);
        List<AtomicReference<RateLimitDecision>> back = burstOf(swept, 1);
        assertThat(sweeps).as("the walk handed to the sweeper").hasSize(1);
        assertThat(grantUntilAnswered(leases, back)).as("the client, not forgotten by its own call: halved, as its "
                + "tokens expired unspent").containsExactly(49);

        clock.addAndGet(forgotten);
        sweeps.poll().run();
        assertThat(grantUntilAnswered(leases, burstOf(swept, 1))).as("forgotten by the sweeper").containsExactly(1);
    }

    /** Calls of one client, all made before any lease is answered. */
    private static List<AtomicReference<RateLimitDecision>> burstOf(LeasingRateLimiter limiter, int calls) {
        List<AtomicReference<RateLimitDecision>> decisions = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            AtomicReference<RateLimitDecision> decision = new AtomicReference<>();
            limiter.consume("c").subscribe(decision::set);
            decisions.add(decision);
        }
        return decisions;
    }

    /**
     * Grants the leases asked for, one at a time as the shared bucket answers them, until every call is allowed;
     * returns the sizes of the leases granted until then (a lease asked for ahead after that is left in the queue).
     */
    private static List<Integer> grantUntilAnswered(Queue<Asked> leases,
            List<AtomicReference<RateLimitDecision>> calls) {
        List<Integer> wanted = new ArrayList<>();
        Asked next;
        while (calls.stream().anyMatch(call -> call.get() == null) && (next = leases.poll()) != null) {
            wanted.add(next.wanted());
            next.grant();
        }
        assertThat(calls).allSatisfy(call -> assertThat(call.get().allowed()).isTrue());
        return wanted;
    }

    @Test
    void theDefaultCapIsTwentyMillisecondsOfTheRateAndAtLeastFortyTokens() {
        assertThat(LeasingRateLimiter.defaultMaxLease(0.1)).isEqualTo(40);
        assertThat(LeasingRateLimiter.defaultMaxLease(200)).as("the default rate").isEqualTo(40);
        assertThat(LeasingRateLimiter.defaultMaxLease(2_000)).isEqualTo(40);
        assertThat(LeasingRateLimiter.defaultMaxLease(20_000)).isEqualTo(400);
        assertThat(LeasingRateLimiter.defaultMaxLease(10_000_000)).isEqualTo(200_000);
        assertThat(LeasingRateLimiter.defaultMaxLease(1e12)).isEqualTo(Integer.MAX_VALUE);
        // Still at most a tenth of the burst: a replica never holds more of a small bucket.
        assertThat(limiterWith(20_000, 1_000, LeasingRateLimiter.defaultMaxLease(20_000)).maxLease()).isEqualTo(100);
    }

    @Test
    void aBusyClientsLeasesPerSecondFallAsItsCapGrowsWithItsRate() {
        // One client at its full 20,000 calls/s for one second through one replica, each lease granted at once.
        assertThat(leasesForOneSecondAt(20_000, 40)).as("a fixed cap of 40").isGreaterThanOrEqualTo(500);
        // A lease ahead tops up what is held to the cap, so leases average some 300 of the 400 tokens it allows.
        assertThat(leasesForOneSecondAt(20_000, LeasingRateLimiter.defaultMaxLease(20_000)))
                .as("the default cap at that rate")
                .isLessThanOrEqualTo(100);
    }

    private static LeasingRateLimiter limiterWith(double rate, int burst, int maxLease) {
        return new LeasingRateLimiter((client, wanted) -> Mono.never(),
                new LeasingRateLimiter.Settings(rate, burst, maxLease, TTL, Duration.ofSeconds(1)), () -> 0,
                Runnable::run);
    }

    private int leasesForOneSecondAt(int rate, int maxLease) {
        Queue<Asked> leases = new ArrayDeque<>();
        AtomicLong now = new AtomicLong();
        LeasingRateLimiter busy = new LeasingRateLimiter(answeredBy(leases),
                new LeasingRateLimiter.Settings(rate, rate, maxLease, TTL, Duration.ofSeconds(1)), now::get,
                Runnable::run);
        int count = 0;
        for (int call = 0; call < rate; call++) {
            now.addAndGet(1_000_000_000L / rate);
            AtomicReference<RateLimitDecision> answer = new AtomicReference<>();
            busy.consume("c").subscribe(answer::set);
            Asked next;
            while ((next = leases.poll()) != null) {
                count++;
                next.grant();
            }
            assertThat(answer.get().allowed()).isTrue();
        }
        return count;
    }

    private int spent;

    /** Calls (each lease granted at once) until a call asks for a lease ahead; returns the tokens granted so far. */
    private int spendUntilALeaseIsAskedForAhead() {
        limiter.consume("c").subscribe();
        int granted = grantAll();
        spent = 1;
        // Past the ramp-up: leases double while they are spent, so the largest comes after a handful.
        while (granted < 200 || asked.isEmpty()) {
            if (!asked.isEmpty()) {
                granted += grantAll();
            }
            clock.addAndGet(100_000);
            limiter.consume("c").subscribe();
            spent++;
        }
        return granted;
    }

    private int grantAll() {
        int granted = 0;
        Asked next;
        while ((next = asked.poll()) != null) {
            granted += next.wanted();
            next.grant();
        }
        return granted;
    }
}
