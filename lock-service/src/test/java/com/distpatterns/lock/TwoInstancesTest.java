package com.distpatterns.lock;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.lock.support.LockHttpClient;
import com.distpatterns.lock.support.LockHttpClient.Reply;
import com.distpatterns.lock.support.LockServiceInstance;
import com.distpatterns.lock.support.RedisKeys;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Two lock-service instances on one real Redis, as two processes behind the gateway would be. Their safety-net
 * poll is 10 s, so anything that finishes sooner was woken by a notification (or by the holder's expiry time).
 */
class TwoInstancesTest {

    private static final String PREFIX = RedisKeys.uniquePrefix();
    private static final HttpClient HTTP = LockHttpClient.newHttpClient();
    private static LockServiceInstance first;
    private static LockServiceInstance second;
    private static StringRedisTemplate redis;

    @BeforeAll
    static void startTwoInstances() {
        Map<String, String> slowPoll = Map.of("lock.poll-interval", "10s", "lock.presence-ttl", "30s");
        first = LockServiceInstance.start(PREFIX, HTTP, slowPoll);
        second = LockServiceInstance.start(PREFIX, HTTP, slowPoll);
        redis = first.context().getBean(StringRedisTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            RedisKeys.deleteAll(redis, PREFIX);
        }
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private static String lockName(String what) {
        return what + "-" + UUID.randomUUID();
    }

    private static LockHttpClient instance(int i) {
        return (i % 2 == 0 ? first : second).client();
    }

    @Test
    void mutualExclusionUnderContentionAcrossTwoInstances() throws Exception {
        String name = lockName("contended");
        int clients = 32;
        int rounds = 100;
        AtomicBoolean inCriticalSection = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        List<Long> tokensInGrantOrder = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                LockHttpClient locks = instance(c);
                String owner = "client-" + c;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        Reply granted = locks.acquire(name, 30_000L, 60_000L, owner);
                        if (granted.status() != 200) {
                            failures.add(owner + " acquire answered " + granted.status() + ": " + granted.rawBody());
                            continue;
                        }
                        if (!inCriticalSection.compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        tokensInGrantOrder.add(granted.number("fencingToken"));
                        // Stay a while, as a holder doing work would, so that a second holder would be caught inside.
                        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
                        if (!inCriticalSection.compareAndSet(true, false)) {
                            overlaps.incrementAndGet();
                        }
                        Reply released = locks.release(name, granted.text("leaseId"));
                        if (released.status() != 204) {
                            failures.add(owner + " release answered " + released.status() + ": " + released.rawBody());
                        }
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }

        assertThat(failures).isEmpty();
        assertThat(overlaps.get()).as("two holders in the critical section at once").isZero();
        assertThat(tokensInGrantOrder).hasSize(clients * rounds);
        for (int i = 1; i < tokensInGrantOrder.size(); i++) {
            assertThat(tokensInGrantOrder.get(i)).as("token #%d in grant order", i)
                    .isGreaterThan(tokensInGrantOrder.get(i - 1));
        }
        assertThat(redis.getExpire(PREFIX + "lock:{" + name + "}:fence")).as("the fencing counter never expires")
                .isEqualTo(-1);
    }

    @Test
    void aHolderThatStopsRenewingLosesTheLockAndCannotDisturbTheNextHolder() {
        String name = lockName("expiry");
        Reply old = first.client().acquire(name, 300L, 0L, "sleepy");
        assertThat(old.status()).isEqualTo(200);

        Reply next = second.client().acquire(name, 60_000L, 10_000L, "successor");
        assertThat(next.status()).as("granted once the old lease ran out").isEqualTo(200);
        assertThat(next.number("fencingToken")).isGreaterThan(old.number("fencingToken"));
        Reply statusBefore = first.client().status(name);

        assertThat(first.client().release(name, old.text("leaseId")).status()).isEqualTo(409);
        assertThat(first.client().renew(name, old.text("leaseId"), 60_000L).status()).isEqualTo(409);
        assertThat(second.client().renew(name, old.text("leaseId"), null).status()).isEqualTo(409);

        Reply statusAfter = second.client().status(name);
        assertThat(statusAfter.body()).isEqualTo(statusBefore.body());
        assertThat(statusAfter.text("owner")).isEqualTo("successor");
        assertThat(statusAfter.number("fencingToken")).isEqualTo(next.number("fencingToken"));
        assertThat(second.client().release(name, next.text("leaseId")).status()).isEqualTo(204);
    }

    @Test
    void waitersQueuedInOrderAreGrantedInThatOrder() throws Exception {
        String name = lockName("fair");
        Reply holder = first.client().acquire(name, 60_000L, 0L, "holder");
        int waiters = 6;
        List<Integer> grantOrder = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < waiters; w++) {
                int index = w;
                LockHttpClient locks = instance(w);
                done.add(pool.submit(() -> {
                    Reply granted = locks.acquire(name, 60_000L, 60_000L, "waiter-" + index);
                    if (granted.status() != 200) {
                        failures.add("waiter " + index + ": " + granted.rawBody());
                        return;
                    }
                    grantOrder.add(index);
                    locks.release(name, granted.text("leaseId"));
                }));
                int queued = w + 1;
                awaitCondition("waiter " + w + " queued", () -> queueLength(name) == queued);
            }
            assertThat(first.client().release(name, holder.text("leaseId")).status()).isEqualTo(204);
            for (Future<?> future : done) {
                future.get();
            }
        }
        assertThat(failures).isEmpty();
        assertThat(grantOrder).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aWaiterIsWokenByTheReleaseNotByItsPoll() throws Exception {
        String name = lockName("prompt");
        Reply holder = first.client().acquire(name, 60_000L, 0L, "holder");
        double notifiedBefore = second.grants("notification");
        double polledBefore = second.grants("poll");

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Reply granted = handedOver(pool, name, holder, first, second, "waiter");
            assertThat(second.grants("notification") - notifiedBefore).isEqualTo(1.0);
            assertThat(second.grants("poll") - polledBefore).isZero();
            second.client().release(name, granted.text("leaseId"));
        }
    }

    @Test
    void aWaiterOnTheReleasingInstanceIsHandedTheLockDirectlyAndOthersOverPubSub() throws Exception {
        AtomicInteger announcements = new AtomicInteger();
        RedisMessageListenerContainer wakeUps = new RedisMessageListenerContainer();
        wakeUps.setConnectionFactory(redis.getConnectionFactory());
        wakeUps.addMessageListener((message, pattern) -> announcements.incrementAndGet(),
                new PatternTopic(PREFIX + "lock-wake:*"));
        wakeUps.afterPropertiesSet();
        wakeUps.start();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            awaitCondition("test subscription listening", wakeUps::isListening);
            String name = lockName("local");
            double notifiedBefore = first.grants("notification");
            Reply holder = first.client().acquire(name, 60_000L, 0L, "holder");

            // Released through the waiter's own instance: the release's reply wakes it, nothing is published.
            Reply local = handedOver(pool, name, holder, first, first, "same-instance");
            assertThat(first.grants("notification") - notifiedBefore).isEqualTo(1.0);

            // Released through the other instance: announced over pub/sub, which the test hears too.
            Reply remote = handedOver(pool, name, local, first, second, "other-instance");
            awaitCondition("the cross-instance hand-off announced", () -> announcements.get() == 1);
            second.client().release(name, remote.text("leaseId"));
            assertThat(announcements.get()).as("announcements: only the cross-instance hand-off").isEqualTo(1);
        } finally {
            wakeUps.stop();
            wakeUps.destroy();
        }
    }

    @Test
    void aWaiterThatGivesUpDoesNotBlockThoseBehindIt() throws Exception {
        String name = lockName("gives-up");
        Reply holder = first.client().acquire(name, 60_000L, 0L, "holder");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> impatient = pool.submit(() -> first.client().acquire(name, 60_000L, 300L, "impatient"));
            awaitCondition("impatient waiter queued", () -> queueLength(name) >= 1);
            Future<Reply> patient = pool.submit(() -> second.client().acquire(name, 60_000L, 8_000L, "patient"));

            Reply gaveUp = impatient.get();
            assertThat(gaveUp.status()).isEqualTo(409);
            assertThat(gaveUp.text("type")).isEqualTo("/problems/lock-held");
            awaitCondition("only the patient waiter queued", () -> queueLength(name) == 1);

            first.client().release(name, holder.text("leaseId"));
            Reply granted = patient.get();
            assertThat(granted.status()).isEqualTo(200);
            second.client().release(name, granted.text("leaseId"));
        }
    }

    @Test
    void aWaiterWhoseInstanceDiedIsSkipped() throws Exception {
        String name = lockName("dead-waiter");
        String queue = PREFIX + "lock:{" + name + "}:queue";
        String deadWaiter = "dead-" + UUID.randomUUID();
        // What a crashed instance leaves behind: its waiter's queue entry, and a presence key nobody refreshes.
        redis.opsForList().rightPush(queue, deadWaiter);
        presence(name, deadWaiter, Duration.ofMillis(200));

        assertThat(first.client().acquire(name, 60_000L, 0L, null).status())
                .as("the queue's live head comes first").isEqualTo(409);
        awaitCondition("dead waiter's presence expired",
                () -> !redis.hasKey(PREFIX + "lock:{" + name + "}:waiter:" + deadWaiter));

        Reply holder = first.client().acquire(name, 60_000L, 0L, "holder");
        assertThat(holder.status()).as("the dead head is skipped").isEqualTo(200);

        String secondDead = deadWaiter + "-2";
        redis.opsForList().leftPush(queue, secondDead);
        presence(name, secondDead, Duration.ofSeconds(3));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> waiter = pool.submit(() -> second.client().acquire(name, 60_000L, 8_000L, "behind-the-dead"));
            awaitCondition("live waiter queued behind the dead one", () -> queueLength(name) == 2);
            awaitCondition("dead waiter's presence expired",
                    () -> !redis.hasKey(PREFIX + "lock:{" + name + "}:waiter:" + secondDead));
            double notifiedBefore = second.grants("notification");
            first.client().release(name, holder.text("leaseId"));
            Reply granted = waiter.get();
            assertThat(granted.status()).isEqualTo(200);
            assertThat(second.grants("notification") - notifiedBefore).isEqualTo(1.0);
            second.client().release(name, granted.text("leaseId"));
        }
        assertThat(queueLength(name)).isZero();
    }

    @Test
    void statusShowsTheHolderToEveryInstance() {
        String name = lockName("status");
        Reply granted = first.client().acquire(name, 60_000L, 0L, "visible");
        Reply seenElsewhere = second.client().status(name);
        assertThat(seenElsewhere.body().get("held").asBoolean()).isTrue();
        assertThat(seenElsewhere.text("owner")).isEqualTo("visible");
        assertThat(Instant.parse(seenElsewhere.text("expiresAt"))).isEqualTo(Instant.parse(granted.text("expiresAt")));
        assertThat(second.client().release(name, granted.text("leaseId")).status())
                .as("released through the other instance")
                .isEqualTo(204);
    }

    /** The presence a waiter's instance keeps refreshing while it lives; here nobody refreshes it. */
    private static void presence(String name, String waiter, Duration ttl) {
        String key = PREFIX + "lock:{" + name + "}:waiter:" + waiter;
        redis.opsForHash().putAll(key,
                Map.of("instance", "crashed-instance", "lease", "AAAAAAAAAAAAAAAAAAAAAA", "ttl", "60000", "owner", ""));
        redis.expire(key, ttl);
    }

    /**
     * Queues {@code owner} alone on {@code waiterSide}, releases {@code holder} through {@code releaser}, and returns
     * the waiter's grant. It waits less than the 10 s poll interval: only the hand-off can grant it in time.
     */
    private static Reply handedOver(ExecutorService pool, String name, Reply holder, LockServiceInstance releaser,
            LockServiceInstance waiterSide, String owner) throws Exception {
        Future<Reply> waiter = pool.submit(() -> waiterSide.client().acquire(name, 60_000L, 8_000L, owner));
        awaitCondition(owner + " queued", () -> queueLength(name) == 1);
        assertThat(releaser.client().release(name, holder.text("leaseId")).status()).isEqualTo(204);
        Reply granted = waiter.get();
        assertThat(granted.status()).as(granted.rawBody()).isEqualTo(200);
        assertThat(granted.number("fencingToken")).isGreaterThan(holder.number("fencingToken"));
        return granted;
    }

    private static long queueLength(String name) {
        Long length = redis.opsForList().size(PREFIX + "lock:{" + name + "}:queue");
        return length == null ? 0 : length;
    }

    private static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
