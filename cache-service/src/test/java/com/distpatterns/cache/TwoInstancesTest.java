package com.distpatterns.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.cache.core.NearCache;
import com.distpatterns.cache.core.SquareComputation;
import com.distpatterns.cache.infra.NearCacheLifecycle;
import com.distpatterns.platform.test.DisabledOnRedisCluster;
import com.distpatterns.platform.test.Endpoint;
import com.distpatterns.platform.test.TcpProxy;
import com.distpatterns.platform.test.TestInfrastructure;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances of the service sharing one Redis, started by hand as two application contexts. Instance B reaches
 * Redis through a {@link TcpProxy} so that a test can take Redis away from it alone.
 */
class TwoInstancesTest {

    private static final String PREFIX = "test-" + UUID.randomUUID() + ":";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long READY_WITHIN_MILLIS = 120_000;

    private static TcpProxy proxy;
    private static ConfigurableApplicationContext instanceA;
    private static ConfigurableApplicationContext instanceB;
    private static CacheClient a;
    private static CacheClient b;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        Map<String, Object> direct = new HashMap<>(TestInfrastructure.redisProperties());
        direct.put("spring.data.redis.timeout", "5s"); // generous on this shared, often overloaded machine
        instanceA = start(direct);

        // B's answers while Redis is away are 503 after this timeout (1 s in production, longer here so that a busy
        // machine does not turn slow answers into failures before the outage).
        // On a Redis Cluster there is no one server to proxy: B goes direct, and the outage test is skipped.
        if (TestInfrastructure.redisCluster()) {
            instanceB = start(direct);
        } else {
            Endpoint redis = TestInfrastructure.redis();
            proxy = new TcpProxy(redis.host(), redis.port());
            instanceB = start(Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", proxy.port(),
                    "spring.data.redis.timeout", "3s"));
        }

        a = new CacheClient(port(instanceA));
        b = new CacheClient(port(instanceB));
        awaitReady(a);
        awaitReady(b);
    }

    private static ConfigurableApplicationContext start(Map<String, Object> redis) {
        Map<String, Object> properties = new HashMap<>(redis);
        properties.put("server.port", 0);
        properties.put("eureka.client.enabled", false);
        properties.put("cache.key-prefix", PREFIX);
        // As command-line arguments: SpringApplicationBuilder.properties() would rank below application.yml.
        String[] arguments = properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(CacheServiceApplication.class).run(arguments);
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private static void awaitReady(CacheClient client) throws InterruptedException {
        long deadline = System.currentTimeMillis() + READY_WITHIN_MILLIS;
        while (client.get("/actuator/health/readiness").statusCode() != 200) {
            assertThat(System.currentTimeMillis()).as("ready in time").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (instanceA != null) {
            instanceA.close();
        }
        if (instanceB != null) {
            instanceB.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void statisticsAreTrueAcrossInstances() {
        String cache = "shared-" + UUID.randomUUID();
        a.put(cache, "k", "{\"v\":1}");

        assertThat(a.get("/api/caches/" + cache + "/entries/k").statusCode()).isEqualTo(200);
        assertThat(b.get("/api/caches/" + cache + "/entries/k").body()).isEqualTo("{\"v\":1}");
        assertThat(b.get("/api/caches/" + cache + "/entries/other").statusCode()).isEqualTo(404);
        b.put(cache, "k2", "2");

        for (CacheClient instance : List.of(a, b)) {
            JsonNode statistics = JSON.readTree(instance.get("/api/caches/" + cache).body());
            assertThat(statistics.get("hits").asLong()).isEqualTo(2);
            assertThat(statistics.get("misses").asLong()).isEqualTo(1);
            assertThat(statistics.get("entries").asLong()).isEqualTo(2);
        }
    }

    @Test
    void fiftyConcurrentFirstRequestsAcrossTwoInstancesComputeOnce() throws Exception {
        long n = ThreadLocalRandom.current().nextLong(1_000_000_000L, 3_000_000_000L);
        long computedBefore = computations();

        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                CacheClient instance = i % 2 == 0 ? a : b;
                calls.add(callers.submit(() -> instance.get("/api/compute/square/" + n)));
            }
        }

        int computedHere = 0;
        for (Future<HttpResponse<String>> call : calls) {
            HttpResponse<String> answer = call.get();
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode square = JSON.readTree(answer.body());
            assertThat(square.get("n").asLong()).isEqualTo(n);
            assertThat(square.get("result").bigIntegerValue()).isEqualTo(BigInteger.valueOf(n).pow(2));
            if (!square.get("cached").asBoolean()) {
                computedHere++;
            }
        }
        assertThat(computations() - computedBefore).as("computations across both instances").isEqualTo(1);
        assertThat(computedHere).as("answers not served from Redis").isEqualTo(1);
        assertThat(JSON.readTree(b.get("/api/compute/square/" + n).body()).get("cached").asBoolean()).isTrue();
    }

    @Test
    @DisabledOnRedisCluster("B's Redis is cut through a TcpProxy, which stands for one server")
    void withoutRedisAnInstanceAnswers503AndIsNotReadyThenRecoversByItself() throws Exception {
        String cache = "outage-" + UUID.randomUUID();
        assertThat(b.put(cache, "k", "1").statusCode()).isEqualTo(204);

        proxy.cut();
        try {
            assertUnavailable(b.get("/api/caches/" + cache + "/entries/k"));
            assertUnavailable(b.put(cache, "k", "2"));
            assertUnavailable(b.get("/api/caches/" + cache));
            assertUnavailable(b.get("/api/compute/square/12"));
            HttpResponse<String> readiness = b.get("/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(readiness.body()).get("status").asString()).isEqualTo("DOWN");
            assertThat(b.get("/actuator/health/liveness").statusCode()).as("alive, only not ready").isEqualTo(200);
            assertThat(a.get("/api/caches/" + cache + "/entries/k").statusCode()).as("the other instance still serves")
                    .isEqualTo(200);
        } finally {
            proxy.restore();
        }

        awaitReady(b);
        HttpResponse<String> back = b.get("/api/caches/" + cache + "/entries/k");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).isEqualTo("1");
    }

    // ---- the near cache: invalidated by Redis's tracking pushes, within cache.near.max-staleness (1 s) ----

    private static final long MAX_STALENESS_MILLIS = 1_000;

    @Test
    void aPutOnOneInstanceIsSeenByTheOtherWithinTheStatedDelay() {
        String cache = "near-put-" + UUID.randomUUID();
        String path = "/api/caches/" + cache + "/entries/k";
        a.put(cache, "k", "0");
        long nearHitsBefore = nearHits(instanceB);
        List<Long> delaysMicros = new ArrayList<>();
        STALE_READS.set(0);
        for (int i = 1; i <= 200; i++) {
            // B holds the previous value in memory...
            assertThat(servedFromMemory(instanceB, b, path).body()).isEqualTo(Integer.toString(i - 1));
            // ...then A writes, and B must show the new value within the stated delay.
            assertThat(a.put(cache, "k", Integer.toString(i)).statusCode()).isEqualTo(204);
            long written = System.nanoTime();
            delaysMicros.add(awaitBody(b, path, Integer.toString(i), written));
        }
        reportDelays("PUT on A -> GET on B", delaysMicros);
        System.out.printf(
                "[near-cache] GETs on B that still showed the old value after the PUT answered: %d of 200 writes%n",
                STALE_READS.get());
        if (!TestInfrastructure.redisCluster()) {
            assertThat(nearHits(instanceB) - nearHitsBefore).as("B served the old values from memory")
                    .isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void aDeleteOnOneInstanceIsSeenByTheOtherWithinTheStatedDelay() {
        String cache = "near-delete-" + UUID.randomUUID();
        STALE_READS.set(0);
        long nearHitsBefore = nearHits(instanceB);
        List<Long> delaysMicros = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String path = "/api/caches/" + cache + "/entries/k" + i;
            a.put(cache, "k" + i, "\"v\"");
            assertThat(servedFromMemory(instanceB, b, path).statusCode()).isEqualTo(200);
            assertThat(a.delete(path).statusCode()).isEqualTo(204);
            long deleted = System.nanoTime();
            long waited;
            int stale = 0;
            while (b.get(path).statusCode() != 404) {
                stale++;
                waited = (System.nanoTime() - deleted) / 1_000;
                assertThat(waited).as("B still serves a deleted entry after %d us", waited)
                        .isLessThan(MAX_STALENESS_MILLIS * 1_000);
            }
            delaysMicros.add((System.nanoTime() - deleted) / 1_000);
            STALE_READS.addAndGet(stale);
        }
        reportDelays("DELETE on A -> 404 on B", delaysMicros);
        System.out.printf(
                "[near-cache] GETs on B that still found the entry after the DELETE answered: %d of 100 deletes%n",
                STALE_READS.get());
        if (!TestInfrastructure.redisCluster()) {
            assertThat(nearHits(instanceB) - nearHitsBefore).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    @DisabledOnRedisCluster("the near cache is off on a Cluster (docs/cache.md)")
    void hitsServedFromMemoryReachTheSharedStatisticsWithinTheFlushInterval() throws Exception {
        String cache = "near-stats-" + UUID.randomUUID();
        String path = "/api/caches/" + cache + "/entries/k";
        a.put(cache, "k", "1");
        servedFromMemory(instanceB, b, path);
        long baseline = hitsOf(b, cache); // B reading its own statistics writes its pending counts first
        long nearBefore = nearHits(instanceB);
        for (int i = 0; i < 50; i++) {
            assertThat(b.get(path).statusCode()).isEqualTo(200);
        }
        long done = System.nanoTime();
        long fromMemory = nearHits(instanceB) - nearBefore;
        assertThat(fromMemory).as("B answered from memory").isGreaterThan(40);
        // A served none of these 50 hits and B is not asked: B's periodic flush (every 1 s) must bring them to A.
        awaitTrue(() -> hitsOf(a, cache) == baseline + 50, "A sees B's 50 hits");
        long seenAfterMillis = (System.nanoTime() - done) / 1_000_000;
        System.out.printf("[near-cache] %d of 50 hits served from memory on B, in A's statistics after %d ms%n",
                fromMemory,
                seenAfterMillis);
        assertThat(seenAfterMillis).as("within the flush interval (1 s) and a second of slack").isLessThan(2_000);
        assertThat(JSON.readTree(a.get("/api/caches/" + cache).body()).get("misses").asLong()).isZero();
    }

    private static long hitsOf(CacheClient instance, String cache) {
        return JSON.readTree(instance.get("/api/caches/" + cache).body()).get("hits").asLong();
    }

    @Test
    @DisabledOnRedisCluster("the near cache is off on a Cluster (docs/cache.md)")
    void killingTheTrackingConnectionEmptiesTheNearCachesAndTheyComeBack() throws Exception {
        String cache = "near-kill-" + UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            a.put(cache, "k" + i, Integer.toString(i));
        }
        // A read that races with its own write's invalidation is (rightly) not kept: read until all 20 are in memory.
        awaitTrue(() -> {
            for (int i = 0; i < 20; i++) {
                assertThat(a.get("/api/caches/" + cache + "/entries/k" + i).statusCode()).isEqualTo(200);
                assertThat(b.get("/api/caches/" + cache + "/entries/k" + i).statusCode()).isEqualTo(200);
            }
            return near(instanceA).size() >= 20 && near(instanceB).size() >= 20;
        }, "20 entries in both near caches");
        awaitTrue(() -> trackingClientId(instanceA) > 0 && trackingClientId(instanceB) > 0, "tracking connections up");
        long idA = trackingClientId(instanceA);
        long idB = trackingClientId(instanceB);

        try (RedisClient client = RedisClient
                .create(RedisURI.create(TestInfrastructure.redis().host(), TestInfrastructure.redis().port()));
                StatefulRedisConnection<String, String> redis = client.connect()) {
            assertThat(redis.sync().clientKill(KillArgs.Builder.id(idA))).isEqualTo(1);
            assertThat(redis.sync().clientKill(KillArgs.Builder.id(idB))).isEqualTo(1);
        }
        long killed = System.nanoTime();
        awaitTrue(() -> near(instanceA).size() == 0 && near(instanceB).size() == 0, "both near caches emptied");
        System.out.printf("[near-cache] CLIENT KILL -> both near caches empty after %d ms%n",
                (System.nanoTime() - killed) / 1_000_000);

        // Each instance reconnects, tracking again: a write through A still reaches B's memory.
        awaitTrue(() -> trackingClientId(instanceA) > 0 && trackingClientId(instanceA) != idA
                && trackingClientId(instanceB) > 0 && trackingClientId(instanceB) != idB, "tracking connections back");
        String path = "/api/caches/" + cache + "/entries/k0";
        long hitsBefore = nearHits(instanceB);
        awaitTrue(() -> {
            b.get(path);
            return nearHits(instanceB) > hitsBefore;
        }, "B serving from memory again");
        a.put(cache, "k0", "\"after\"");
        awaitBody(b, path, "\"after\"", System.nanoTime());
    }

    @Test
    void ttlExpiryIsSeenByBothInstances() throws Exception {
        String cache = "near-ttl-" + UUID.randomUUID();
        String path = "/api/caches/" + cache + "/entries/k";
        assertThat(a.put("/api/caches/" + cache + "/entries/k?ttlSeconds=2", "1".getBytes()).statusCode())
                .isEqualTo(204);
        long written = System.nanoTime();
        assertThat(servedFromMemory(instanceA, a, path).headers().firstValue("Cache-TTL-Remaining")).hasValue("2");
        assertThat(servedFromMemory(instanceB, b, path).headers().firstValue("Cache-TTL-Remaining")).hasValue("2");
        sleepUntil(written, 1_100);
        long hitsBefore = nearHits(instanceA) + nearHits(instanceB);
        for (CacheClient instance : List.of(a, b)) {
            HttpResponse<String> late = instance.get(path);
            assertThat(late.statusCode()).isEqualTo(200);
            assertThat(late.headers().firstValue("Cache-TTL-Remaining")).as("whole seconds left, rounded up")
                    .hasValue("1");
        }
        if (!TestInfrastructure.redisCluster()) {
            assertThat(nearHits(instanceA) + nearHits(instanceB) - hitsBefore).as("late answers from memory")
                    .isEqualTo(2);
        }
        sleepUntil(written, 2_005);
        assertThat(a.get(path).statusCode()).as("expired on A").isEqualTo(404);
        assertThat(b.get(path).statusCode()).as("expired on B").isEqualTo(404);
    }

    private static final java.util.concurrent.atomic.AtomicLong STALE_READS = new java.util.concurrent.atomic.AtomicLong();

    /** Polls until the value shows; answers how long after {@code sinceNanos} the answer that showed it came back. */
    private static long awaitBody(CacheClient client, String path, String expected, long sinceNanos) {
        while (true) {
            String body = client.get(path).body();
            long waitedMicros = (System.nanoTime() - sinceNanos) / 1_000;
            if (expected.equals(body)) {
                return waitedMicros;
            }
            STALE_READS.incrementAndGet();
            assertThat(waitedMicros).as("still '%s' instead of '%s' after %d us", body, expected, waitedMicros)
                    .isLessThan(MAX_STALENESS_MILLIS * 1_000);
        }
    }

    private static void reportDelays(String what, List<Long> delaysMicros) {
        List<Long> sorted = delaysMicros.stream().sorted().toList();
        System.out.printf(
                "[near-cache] %s, %d writes: first GET showing it answered after p50 %d us, p99 %d us, max %d us (bound %d ms)%n",
                what,
                sorted.size(), sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                sorted.getLast(), MAX_STALENESS_MILLIS);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void sleepUntil(long sinceNanos, long millis) throws InterruptedException {
        long left = millis - (System.nanoTime() - sinceNanos) / 1_000_000;
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    /**
     * GETs until the answer came from the instance's memory (on a Cluster, where there is no near cache, the first
     * answer). A read that races with an invalidation is rightly not kept, so this may take a few GETs.
     */
    private static HttpResponse<String> servedFromMemory(ConfigurableApplicationContext instance, CacheClient client,
            String path) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            long before = nearHits(instance);
            HttpResponse<String> answer = client.get(path);
            if (TestInfrastructure.redisCluster() || nearHits(instance) > before) {
                return answer;
            }
            assertThat(System.currentTimeMillis()).as("served from memory in time").isLessThan(deadline);
        }
    }

    private static NearCache near(ConfigurableApplicationContext instance) {
        return instance.getBean(NearCache.class);
    }

    private static long nearHits(ConfigurableApplicationContext instance) {
        return near(instance).hits();
    }

    private static long trackingClientId(ConfigurableApplicationContext instance) {
        return instance.getBean(NearCacheLifecycle.class).channel().clientId();
    }

    private static void assertUnavailable(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(answer.body()).get("detail").asString()).isNotBlank();
    }

    private static long computations() {
        return instanceA.getBean(SquareComputation.class).computations()
                + instanceB.getBean(SquareComputation.class).computations();
    }
}
