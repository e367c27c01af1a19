package com.distpatterns.gateway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.gateway.core.LeasingRateLimiter;
import com.distpatterns.gateway.core.RateLimitDecision;
import com.distpatterns.gateway.core.TokenLease;
import com.distpatterns.gateway.core.TokenSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Several gateway replicas' rate limiters over one real Redis: what they admit together, and how seldom they ask
 * Redis. Each replica is its own {@link LeasingRateLimiter} with its own connection, as in separate processes.
 */
class SharedRateLimitTest {

    static final String PREFIX = "test:gateway-lease:" + UUID.randomUUID() + ":";
    static final List<LettuceConnectionFactory> factories = new ArrayList<>();
    static final List<RedisTokenBucket> opened = new ArrayList<>();

    @AfterAll
    static void close() {
        opened.forEach(RedisTokenBucket::close);
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    /** Counts the leases a replica takes from the real shared bucket. */
    record Counted(TokenSource shared, AtomicInteger leases) implements TokenSource {
        Counted(TokenSource shared) {
            this(shared, new AtomicInteger());
        }

        @Override
        public Mono<TokenLease> lease(String clientId, int wanted) {
            leases.incrementAndGet();
            return shared.lease(clientId, wanted);
        }
    }

    static LettuceConnectionFactory redis(int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", port),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1)).build());
        factory.afterPropertiesSet();
        factory.start();
        factories.add(factory);
        return factory;
    }

    static LeasingRateLimiter replica(Counted source, double rate, int burst) {
        return new LeasingRateLimiter(source, new LeasingRateLimiter.Settings(rate, burst, 40, Duration.ofSeconds(1),
                Duration.ofSeconds(1)), System::nanoTime, Runnable::run);
    }

    static Counted shared(int port, double rate, int burst) {
        RedisTokenBucket buckets = new RedisTokenBucket(redis(port)::getRequiredNativeClient, PREFIX, rate, burst,
                Duration.ofMillis(250));
        opened.add(buckets);
        return new Counted(buckets);
    }

    @Test
    void threeReplicasDrivingOneKeyForTenSecondsAdmitWithinTheStatedBound() throws Exception {
        double rate = 100;
        int burst = 200;
        int replicas = 3;
        long offerEveryNanos = TimeUnit.MILLISECONDS.toNanos(5); // 200 calls/s per replica: 6x the limit together
        String client = "key:bound";
        List<Counted> sources = new ArrayList<>();
        List<LeasingRateLimiter> limiters = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            sources.add(shared(6379, rate, burst));
            limiters.add(replica(sources.getLast(), rate, burst));
        }
        AtomicInteger offered = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(10);
        ExecutorService threads = Executors.newFixedThreadPool(replicas);
        List<Future<Long>> lastCalls = new ArrayList<>();
        for (LeasingRateLimiter limiter : limiters) {
            lastCalls.add(threads.submit((Callable<Long>) () -> {
                long next = start;
                long last = start;
                while (next < end) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    RateLimitDecision decision = limiter.consume(client).block(Duration.ofSeconds(5));
                    last = System.nanoTime();
                    offered.incrementAndGet();
                    if (decision.allowed()) {
                        admitted.incrementAndGet();
                    }
                    next += offerEveryNanos;
                }
                return last;
            }));
        }
        long last = start;
        for (Future<Long> call : lastCalls) {
            last = Math.max(last, call.get(60, TimeUnit.SECONDS));
        }
        threads.shutdown();

        double window = (last - start) / 1e9;
        double single = burst + rate * window; // what one bucket asked on every call would admit
        int maxLease = limiters.getFirst().maxLease();
        double bound = single + Math.min(replicas * maxLease, rate * 1.0);
        int leases = sources.stream().mapToInt(source -> source.leases().get()).sum();
        System.out.printf("shared rate limit, %d replicas, %.1f s, rate %.0f/s, burst %d, lease <= %d: offered %d, "
                + "admitted %d, one shared bucket %.0f (%+.1f %%), bound %.0f (%+.1f %%), leases %d%n",
                replicas, window, rate, burst, maxLease, offered.get(), admitted.get(), single,
                100 * (admitted.get() / single - 1), bound, 100 * (bound / single - 1), leases);

        assertThat(admitted.get()).as("admitted past the bound").isLessThanOrEqualTo((int) bound);
        assertThat(admitted.get()).as("at most 10 %% over the configured rate")
                .isLessThanOrEqualTo((int) (single * 1.10));
        assertThat(admitted.get()).as("and not far under it").isGreaterThanOrEqualTo((int) (single * 0.90));
        // While the shared bucket is empty, a replica asks again only once it holds a token (its retry-after): about
        // one lease per replica per token refilled, 3,000 here; asking on every refused call would be one per call.
        assertThat(leases).as("refusals are decided locally while the shared bucket is empty")
                .isLessThanOrEqualTo((int) (replicas * rate * window * 1.1));
    }

    @Test
    void underTheLimitMostCallsCostNoRedisRoundTrip() {
        double rate = 10_000;
        int burst = 10_000;
        Counted source = shared(6379, rate, burst);
        LeasingRateLimiter limiter = replica(source, rate, burst);
        String client = "key:cheap";
        int calls = 2_000;
        RateLimitDecision first = limiter.consume(client).block(Duration.ofSeconds(5));
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(burst - 1);
        for (int i = 1; i < calls; i++) {
            RateLimitDecision decision = limiter.consume(client).block(Duration.ofSeconds(5));
            assertThat(decision.allowed()).isTrue();
            // Only this replica spends this bucket: what it claims remains is exact up to the bucket's refill.
            assertThat(decision.remaining()).isBetween((long) burst - i - 1, (long) burst);
        }
        assertThat(source.leases().get()).as("leases for %d calls", calls).isLessThanOrEqualTo(calls / 20);
    }

    @Test
    void whenRedisCannotBeReachedCallsPassWithoutAskingItOnEveryCall() {
        Counted source = shared(1, 200, 400); // nothing listens on port 1
        LeasingRateLimiter limiter = replica(source, 200, 400);
        for (int i = 0; i < 100; i++) {
            RateLimitDecision decision = limiter.consume("key:down").block(Duration.ofSeconds(5));
            assertThat(decision.allowed()).isTrue();
            assertThat(decision.remaining()).isEqualTo(400);
        }
        assertThat(source.leases().get()).as("Redis asked once, then left alone for fail-open-for").isEqualTo(1);
    }

    @Test
    void aCallThatWaitedForAFailedLeasePassesHoweverShortTheFailOpenWindow() {
        Counted source = shared(1, 200, 400);
        LeasingRateLimiter limiter = new LeasingRateLimiter(source, new LeasingRateLimiter.Settings(200, 400, 40,
                Duration.ofSeconds(1), Duration.ofNanos(1)), System::nanoTime, Runnable::run);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.consume("key:down-briefly").block(Duration.ofSeconds(5)).allowed()).isTrue();
        }
        assertThat(source.leases().get()).as("one attempt per call: a failed lease is not retried").isEqualTo(3);
    }

    @Test
    void forgettingIdleClientsNeverCostsAComingCallASecondLease() {
        AtomicLong clock = new AtomicLong();
        Counted source = shared(6379, 0.1, 10);
        LeasingRateLimiter limiter = new LeasingRateLimiter(source, new LeasingRateLimiter.Settings(0.1, 10, 40,
                Duration.ofSeconds(1), Duration.ofSeconds(1)), clock::get, Runnable::run);
        assertThat(limiter.consume("key:first").block(Duration.ofSeconds(5)).remaining()).isEqualTo(9);
        // Idle for longer than the clients are remembered: forgotten now, during the second client's call.
        clock.addAndGet(Duration.ofSeconds(LeasingRateLimiter.FORGET_AFTER_LEASES + 1).toNanos());
        assertThat(limiter.consume("key:second").block(Duration.ofSeconds(5)).remaining()).isEqualTo(9);
        assertThat(source.leases().get()).isEqualTo(2);
    }

    @Test
    void aLeaseAfterRedisForgotTheScriptSendsTheScriptAgain() {
        Counted source = shared(6379, 0.001, 200); // no token comes back during the test
        assertThat(source.lease("key:flushed", 1).block(Duration.ofSeconds(5)).granted()).isEqualTo(1);
        // As after a restart or a failover: EVALSHA answers NOSCRIPT, and the lease must not fail open for it.
        new ReactiveStringRedisTemplate(redis(6379)).execute(connection -> connection.scriptingCommands().scriptFlush())
                .blockLast(Duration.ofSeconds(5));
        TokenLease again = source.lease("key:flushed", 1).block(Duration.ofSeconds(5));
        assertThat(again.granted()).isEqualTo(1);
        assertThat(again.remaining()).isEqualTo(198);
    }

    @Test
    void aConnectionSlowerThanTheLeaseTimeoutIsOpenedOnceAndKeptForTheNextLease() throws Exception {
        LettuceConnectionFactory factory = redis(6379);
        AtomicInteger attempts = new AtomicInteger();
        RedisTokenBucket buckets = new RedisTokenBucket(() -> {
            attempts.incrementAndGet();
            try {
                Thread.sleep(500); // a connect slower than the lease's 250 ms
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return factory.getRequiredNativeClient();
        }, PREFIX, 0.001, 200, Duration.ofMillis(250));
        opened.add(buckets);
        List<Mono<TokenLease>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(buckets.lease("key:slow-connect", 1));
        }
        List<String> outcomes = Flux.fromIterable(waiting)
                .flatMap(lease -> lease.map(granted -> "granted").onErrorReturn("timed out"))
                .collectList().block(Duration.ofSeconds(5));
        assertThat(outcomes).containsOnly("timed out").hasSize(5);
        TimeUnit.MILLISECONDS.sleep(600);
        assertThat(buckets.lease("key:slow-connect", 1).block(Duration.ofSeconds(5)).granted()).isEqualTo(1);
        assertThat(attempts.get()).as("one attempt to connect, its connection kept").isEqualTo(1);
    }

    @BeforeAll
    static void redisAnswers() {
        assertThat(new ReactiveStringRedisTemplate(redis(6379)).opsForValue().get(PREFIX + "probe")
                .defaultIfEmpty("none").block(Duration.ofSeconds(5)))
                .isEqualTo("none");
    }
}
