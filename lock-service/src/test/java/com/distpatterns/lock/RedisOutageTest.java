package com.distpatterns.lock;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.lock.support.LockHttpClient.Reply;
import com.distpatterns.lock.support.LockHttpClient;
import com.distpatterns.lock.support.LockServiceInstance;
import com.distpatterns.lock.support.RedisKeys;
import com.distpatterns.platform.test.DisabledOnRedisCluster;
import com.distpatterns.platform.test.Endpoint;
import com.distpatterns.platform.test.TcpProxy;
import com.distpatterns.platform.test.TestInfrastructure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Redis failing under the service: an instance whose Redis sits behind a proxy the test cuts, and an instance
 * that must have every grant confirmed by a replica the test Redis does not have. Never a false grant.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisabledOnRedisCluster("the instance's Redis is cut through a TcpProxy, which stands for one server")
class RedisOutageTest {

    private static final String PREFIX = RedisKeys.uniquePrefix();
    private static final HttpClient HTTP = LockHttpClient.newHttpClient();
    private static TcpProxy proxy;
    private static LockServiceInstance behindProxy;
    private static LockServiceInstance needsReplica;

    @BeforeAll
    static void start() throws Exception {
        Endpoint redis = TestInfrastructure.redis();
        // Cut from the start: the instance must start, and answer, without Redis.
        proxy = new TcpProxy(redis.host(), redis.port(), false);
        behindProxy = LockServiceInstance.start(PREFIX, HTTP, Map.of(
                "spring.data.redis.host", "127.0.0.1",
                "spring.data.redis.port", Integer.toString(proxy.port())));
        needsReplica = LockServiceInstance.start(PREFIX, HTTP, Map.of(
                "lock.replica-acknowledgement.enabled", "true",
                "lock.replica-acknowledgement.timeout", "50ms"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (needsReplica != null) {
            RedisKeys.deleteAll(needsReplica.context().getBean(StringRedisTemplate.class), PREFIX);
            needsReplica.close();
        }
        if (behindProxy != null) {
            behindProxy.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    @Order(1)
    void withoutRedisEveryCallIsA503ProblemAndNothingIsGranted() {
        LockHttpClient locks = behindProxy.client();
        String name = "outage-" + UUID.randomUUID();
        assertUnavailable(locks.acquire(name, 10_000L, 0L, null));
        assertUnavailable(locks.acquire(name, 10_000L, 2_000L, null));
        assertUnavailable(locks.status(name));
        assertUnavailable(locks.renew(name, "AAAAAAAAAAAAAAAAAAAAAA", null));
        assertUnavailable(locks.release(name, "AAAAAAAAAAAAAAAAAAAAAA"));

        proxy.restore();
        Reply status = awaitAvailable(locks, name);
        assertThat(status.body().get("fencingToken").isNull()).as("nothing was ever granted").isTrue();
        Reply granted = locks.acquire(name, 10_000L, 0L, null);
        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.number("fencingToken")).isEqualTo(1);
        assertThat(locks.release(name, granted.text("leaseId")).status()).isEqualTo(204);
    }

    @Test
    @Order(2)
    void aWaiterWhoseRedisGoesAwayGets503NotTheLock() throws Exception {
        proxy.restore();
        LockHttpClient locks = behindProxy.client();
        String name = "outage-wait-" + UUID.randomUUID();
        awaitAvailable(locks, name);
        LockHttpClient direct = needsReplica.client();
        StringRedisTemplate redis = needsReplica.context().getBean(StringRedisTemplate.class);
        Reply holder = locks.acquire(name, 60_000L, 0L, "holder");
        assertThat(holder.status()).isEqualTo(200);

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> waiter = pool.submit(() -> locks.acquire(name, 60_000L, 30_000L, "waiter"));
            awaitQueued(redis, name);
            proxy.cut();
            // The holder's lease ends while Redis is out of reach: still no grant can be made without Redis.
            Reply answer = waiter.get();
            assertUnavailable(answer);
        }
        Reply status = direct.status(name);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.text("owner")).isEqualTo("holder");
        assertThat(status.number("fencingToken")).isEqualTo(holder.number("fencingToken"));
        proxy.restore();
        awaitAvailable(locks, name);
        assertThat(locks.release(name, holder.text("leaseId")).status()).isEqualTo(204);
    }

    @Test
    @Order(3)
    void aGrantNoReplicaConfirmedIsUndoneAndAnswered503() {
        Properties replication = needsReplica.context().getBean(RedisConnectionFactory.class).getConnection()
                .serverCommands().info("replication");
        assertThat(replication.getProperty("connected_slaves")).as("the test Redis has no replica").isEqualTo("0");
        LockHttpClient locks = needsReplica.client();
        String name = "unreplicated-" + UUID.randomUUID();

        Reply answer = locks.acquire(name, 60_000L, 0L, "unconfirmed");
        assertUnavailable(answer);
        assertThat(answer.text("detail")).contains("replica");
        Reply status = locks.status(name);
        assertThat(status.body().get("held").asBoolean()).as("the unconfirmed grant was undone").isFalse();
        assertUnavailable(locks.acquire(name, 60_000L, 0L, "again"));
    }

    @Test
    @Order(4)
    void aHandOffNoReplicaConfirmedIsUndoneAndAnswered503() throws Exception {
        proxy.restore();
        LockHttpClient plain = behindProxy.client();
        String name = "unreplicated-hand-off-" + UUID.randomUUID();
        awaitAvailable(plain, name);
        Reply holder = plain.acquire(name, 60_000L, 0L, "holder");
        assertThat(holder.status()).isEqualTo(200);
        StringRedisTemplate redis = needsReplica.context().getBean(StringRedisTemplate.class);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> waiter = pool.submit(() -> needsReplica.client().acquire(name, 60_000L, 30_000L, "waiter"));
            awaitQueued(redis, name);
            assertThat(plain.release(name, holder.text("leaseId")).status()).isEqualTo(204);
            assertUnavailable(waiter.get());
        }
        assertThat(plain.status(name).body().get("held").asBoolean()).as("the unconfirmed hand-off was undone")
                .isFalse();
    }

    @Test
    @Order(5)
    void aRedisThatStopsAnsweringIsCutOffAfterTheCommandTimeoutWithA503() {
        proxy.restore();
        LockHttpClient locks = behindProxy.client();
        String name = "outage-hang-" + UUID.randomUUID();
        awaitAvailable(locks, name);

        proxy.stall();
        long start = System.nanoTime();
        Reply answer = locks.acquire(name, 1_000L, 0L, null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        proxy.restore();
        assertUnavailable(answer);
        // Cut off by spring.data.redis.timeout (2 s), not left hanging until the HTTP client gives up (90 s).
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1_900)).isLessThan(Duration.ofSeconds(10));

        // The late replies are matched to the expired commands and dropped: the connection serves again. Redis did
        // run that acquire, so its unused lease (1 s) must run out before the lock is granted again.
        awaitAvailable(locks, name);
        Reply granted = locks.acquire(name, 10_000L, 5_000L, null);
        assertThat(granted.status()).as(granted.rawBody()).isEqualTo(200);
        assertThat(locks.release(name, granted.text("leaseId")).status()).isEqualTo(204);
    }

    private static void awaitQueued(StringRedisTemplate redis, String name) throws InterruptedException {
        String queue = PREFIX + "lock:{" + name + "}:queue";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (redis.opsForList().size(queue) == 0) {
            assertThat(System.nanoTime()).as("a waiter queued in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static Reply awaitAvailable(LockHttpClient locks, String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Reply status = locks.status(name);
            if (status.status() == 200 || System.nanoTime() > deadline) {
                assertThat(status.status()).as("Redis reachable again").isEqualTo(200);
                return status;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void assertUnavailable(Reply reply) {
        assertThat(reply.status()).as(reply.rawBody()).isEqualTo(503);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.text("type")).isEqualTo("/problems/store-unavailable");
        assertThat(reply.retryAfter()).isEqualTo("1");
    }
}
