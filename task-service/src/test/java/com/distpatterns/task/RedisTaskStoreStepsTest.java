package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.task.core.Claim;
import com.distpatterns.task.core.NewTask;
import com.distpatterns.task.core.RevokeOutcome;
import com.distpatterns.task.infra.RedisTaskStore;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The operations that span two hash tags (a task and its idempotency key, a chunk and its batch) are two steps;
 * here a process stops between them, and the next call completes the work once. Against the real Redis (and Redis
 * Cluster, where the tags are different slots). Also the upkeep of the listing's indexes that every submission
 * writes.
 */
class RedisTaskStoreStepsTest {

    private static Scratch scratch;
    private static TaskServiceInstance api;
    private static RedisTaskStore store;
    private static StringRedisTemplate redis;

    @BeforeAll
    static void start() {
        scratch = new Scratch();
        api = TaskServiceInstance.start(scratch, "api", Map.of());
        store = api.bean(RedisTaskStore.class);
        redis = api.bean(StringRedisTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        scratch.close();
    }

    @Test
    void aKeyWhoseTaskWasDiscardedHalfwayIsTakenOverOnce() {
        Optional<String> key = Optional.of("steps-" + UUID.randomUUID());
        String first = newId();
        assertThat(store.create(task(first), key)).isEqualTo(first);
        // A discard that stopped after its first step: the task is gone, the key still names it.
        redis.delete(store.taskKey(first));

        String second = newId();
        assertThat(store.create(task(second), key)).as("takes the key of the dead task").isEqualTo(second);
        String third = newId();
        assertThat(store.create(task(third), key)).as("answered with the live owner").isEqualTo(second);
        assertThat(redis.hasKey(store.taskKey(third))).as("the loser's own record").isFalse();

        store.discard(third, key);
        assertThat(store.create(task(newId()), key)).as("a discard by a task that never held the key frees nothing")
                .isEqualTo(second);
    }

    @Test
    void aChunkIsCountedInItsBatchOnceHoweverOftenItIsSettled() {
        String batch = newId();
        String done = newId();
        String revoked = newId();
        String halfway = newId();
        Instant now = Instant.now();
        store.createBatch(batch, List.of(chunk(done, batch, 0), chunk(revoked, batch, 1), chunk(halfway, batch, 2)),
                now);

        assertThat(store.claim(done, 1, now)).isEqualTo(Claim.RUN);
        assertThat(store.recordSuccess(done, 1, "42", now)).isPresent();
        store.countInBatch(done);
        store.countInBatch(done);

        assertThat(store.revoke(revoked, now)).isEqualTo(RevokeOutcome.REVOKED);
        assertThat(store.revoke(revoked, now)).isEqualTo(RevokeOutcome.ALREADY_REVOKED);
        store.countInBatch(revoked);

        // A worker that died after finishing its chunk and before counting it: the task says SUCCESS, the batch not.
        assertThat(store.claim(halfway, 1, now)).isEqualTo(Claim.RUN);
        redis.opsForHash().putAll(store.taskKey(halfway), Map.of("status", "SUCCESS", "result", "\"late\""));
        assertThat(store.findBatch(batch).orElseThrow().finished()).isFalse();
        store.countInBatch(halfway);
        store.countInBatch(halfway);

        var view = store.findBatch(batch).orElseThrow();
        assertThat(view.succeeded()).isEqualTo(2);
        assertThat(view.failed()).isEqualTo(1);
        assertThat(view.results()).containsExactly("42", null, "\"late\"");
    }

    @Test
    void theIndexesEverySubmissionWritesAreTrimmedAndRenewedAtMostOnceASecond() throws InterruptedException {
        List<String> indexes = List.of(scratch.prefix() + ":index", scratch.prefix() + ":index:type:{factorial}");
        // Older than the result TTL and the trim margin: what a trim removes.
        double stale = Instant.now().minus(Duration.ofDays(3)).toEpochMilli();
        Thread.sleep(1_100); // past any trim the other tests' writes made

        indexes.forEach(index -> redis.opsForZSet().add(index, "stale-1", stale));
        long beforeTrim = System.nanoTime();
        store.create(task(newId()), Optional.empty());
        for (String index : indexes) {
            assertThat(redis.opsForZSet().score(index, "stale-1")).as(index + " trimmed").isNull();
            assertThat(redis.getExpire(index)).as(index + " expires when nothing is written").isPositive();
        }

        indexes.forEach(index -> redis.opsForZSet().add(index, "stale-2", stale));
        store.create(task(newId()), Optional.empty());
        // Asserted only when both writes fell within a second (a stalled machine makes it no claim either way).
        if (System.nanoTime() - beforeTrim < Duration.ofMillis(900).toNanos()) {
            for (String index : indexes) {
                assertThat(redis.opsForZSet().score(index, "stale-2")).as(index + " not trimmed again within a second")
                        .isNotNull();
            }
        }

        Thread.sleep(1_100);
        store.create(task(newId()), Optional.empty());
        for (String index : indexes) {
            assertThat(redis.opsForZSet().score(index, "stale-2")).as(index + " trimmed a second later").isNull();
        }
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    private static NewTask task(String id) {
        return new NewTask(id, "factorial", Instant.now(), null, null);
    }

    private static NewTask chunk(String id, String batch, int chunk) {
        return new NewTask(id, "transform", Instant.now(), batch, chunk);
    }
}
