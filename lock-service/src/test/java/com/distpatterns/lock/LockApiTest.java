package com.distpatterns.lock;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.lock.config.LockProperties;
import com.distpatterns.lock.support.LockHttpClient;
import com.distpatterns.lock.support.LockHttpClient.Reply;
import com.distpatterns.lock.support.RedisKeys;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The HTTP contract of API.md's lock part, one instance, real Redis. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "lock.key-prefix=test-lock-api-${random.uuid}:",
                // Debug logs on, so the test below proves that even they never carry a lease id.
                "logging.level.com.distpatterns.lock=DEBUG"})
@ExtendWith(OutputCaptureExtension.class)
class LockApiTest {

    private static StringRedisTemplate redisForCleanup;
    private static String prefixForCleanup;

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    LockProperties properties;

    LockHttpClient locks;

    @BeforeEach
    void client() {
        locks = new LockHttpClient(LockHttpClient.newHttpClient(), port);
        redisForCleanup = redis;
        prefixForCleanup = properties.keyPrefix();
    }

    @AfterAll
    static void removeKeys() {
        if (redisForCleanup != null) {
            RedisKeys.deleteAll(redisForCleanup, prefixForCleanup);
        }
    }

    private static String lockName() {
        return "api-" + UUID.randomUUID();
    }

    @Test
    void acquireRenewReleaseAndStatusFollowTheContract() {
        String name = lockName();
        assertThat(locks.status(name).body().get("held").asBoolean()).isFalse();
        assertThat(locks.status(name).body().get("fencingToken").isNull()).isTrue();

        Reply granted = locks.acquire(name, 5_000L, 0L, "billing-job");
        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.text("name")).isEqualTo(name);
        String leaseId = granted.text("leaseId");
        assertThat(leaseId).hasSize(22).matches("[A-Za-z0-9_-]+");
        long token = granted.number("fencingToken");
        assertThat(token).isEqualTo(1);
        Instant expiresAt = Instant.parse(granted.text("expiresAt"));
        assertThat(expiresAt).isAfter(Instant.now().minusSeconds(60));

        Reply status = locks.status(name);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body().get("held").asBoolean()).isTrue();
        assertThat(status.text("owner")).isEqualTo("billing-job");
        assertThat(status.number("fencingToken")).isEqualTo(token);
        assertThat(Instant.parse(status.text("expiresAt"))).isEqualTo(expiresAt);
        assertThat(status.rawBody()).doesNotContain(leaseId).doesNotContain("leaseId");

        Reply renewed = locks.renew(name, leaseId, 60_000L);
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(renewed.text("leaseId")).isEqualTo(leaseId);
        assertThat(renewed.number("fencingToken")).isEqualTo(token);
        assertThat(Instant.parse(renewed.text("expiresAt"))).isAfter(expiresAt);

        assertThat(locks.release(name, leaseId).status()).isEqualTo(204);
        Reply free = locks.status(name);
        assertThat(free.body().get("held").asBoolean()).isFalse();
        assertThat(free.body().get("owner").isNull()).isTrue();
        assertThat(free.body().get("expiresAt").isNull()).isTrue();
        assertThat(free.number("fencingToken")).as("the last token issued").isEqualTo(token);

        Reply next = locks.acquire(name, null, null, null);
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.number("fencingToken")).isGreaterThan(token);
        assertThat(locks.post("/api/locks/" + name + "/release", "{\"leaseId\":\"" + next.text("leaseId") + "\"}")
                .status())
                .isEqualTo(204);
    }

    @Test
    void anAcquireWithNoBodyTakesTheDefaults() {
        String name = lockName();
        Reply granted = locks.post("/api/locks/" + name + "/acquire", null);
        assertThat(granted.status()).isEqualTo(200);
        assertThat(Instant.parse(granted.text("expiresAt")))
                .isBetween(Instant.now().plusSeconds(5), Instant.now().plusSeconds(15));
        assertThat(locks.release(name, granted.text("leaseId")).status()).isEqualTo(204);
    }

    @Test
    void aHeldLockIsA409ProblemWithRetryAfter() {
        String name = lockName();
        Reply holder = locks.acquire(name, 30_000L, 0L, "first");
        Reply refused = locks.acquire(name, 1_000L, 0L, "second");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.text("type")).isEqualTo("/problems/lock-held");
        assertThat(refused.text("detail")).contains(name).contains("first").contains("waitMs");
        assertThat(refused.retryAfter()).isNotNull();
        assertThat(Long.parseLong(refused.retryAfter())).isBetween(1L, 30L);
        assertThat(locks.status(name).text("owner")).isEqualTo("first");
        locks.release(name, holder.text("leaseId"));
    }

    @Test
    void aWrongLeaseCannotReleaseOrRenewAndChangesNothing() {
        String name = lockName();
        Reply holder = locks.acquire(name, 30_000L, 0L, "holder");
        Reply before = locks.status(name);
        String stranger = "AAAAAAAAAAAAAAAAAAAAAA";

        Reply release = locks.release(name, stranger);
        assertThat(release.status()).isEqualTo(409);
        assertThat(release.contentType()).startsWith("application/problem+json");
        assertThat(release.text("type")).isEqualTo("/problems/lease-not-held");
        Reply renew = locks.renew(name, stranger, 3_600_000L);
        assertThat(renew.status()).isEqualTo(409);
        assertThat(renew.text("type")).isEqualTo("/problems/lease-not-held");

        assertThat(locks.status(name).body()).isEqualTo(before.body());
        assertThat(locks.release(name, holder.text("leaseId")).status()).isEqualTo(204);
        assertThat(locks.release(name, holder.text("leaseId")).status()).as("released twice").isEqualTo(409);
        assertThat(locks.renew(name, holder.text("leaseId"), null).status()).as("renewed after release").isEqualTo(409);
    }

    @Test
    void renewWithoutTtlKeepsTheLeasesOwnLength() {
        String name = lockName();
        Reply holder = locks.acquire(name, 3_600_000L, 0L, null);
        Reply renewed = locks.renew(name, holder.text("leaseId"), null);
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(Instant.parse(renewed.text("expiresAt"))).isAfter(Instant.now().plusSeconds(3_500));
        locks.release(name, holder.text("leaseId"));
    }

    @Test
    void everyLimitIsA400ProblemNamingTheField() {
        String name = lockName();
        assertBadRequest(locks.acquire("x".repeat(129), null, null, null), "lock names");
        assertBadRequest(locks.acquire("has%7Bbraces%7D", null, null, null), "lock names");
        assertBadRequest(locks.acquire("sp%20ace", null, null, null), "lock names");
        assertBadRequest(locks.status("x".repeat(129)), "lock names");
        assertBadRequest(locks.acquire(name, 99L, null, null), "ttlMs");
        assertBadRequest(locks.acquire(name, 3_600_001L, null, null), "ttlMs");
        assertBadRequest(locks.acquire(name, null, -1L, null), "waitMs");
        assertBadRequest(locks.acquire(name, null, 60_001L, null), "waitMs");
        assertBadRequest(locks.acquire(name, null, null, "o".repeat(257)), "owner");
        assertBadRequest(locks.renew(name, "lease", 99L), "ttlMs");
        assertBadRequest(locks.renew(name, "lease", 3_600_001L), "ttlMs");
        assertBadRequest(locks.post("/api/locks/" + name + "/renew", "{}"), "leaseId");
        assertBadRequest(locks.post("/api/locks/" + name + "/release", "{\"leaseId\":\"\"}"), "leaseId");
        assertBadRequest(locks.release(name, "l".repeat(65)), "leaseId");
        assertBadRequest(locks.post("/api/locks/" + name + "/release", null), "body");
        assertBadRequest(locks.post("/api/locks/" + name + "/acquire", "{\"ttlMs\":"), "JSON");
        assertBadRequest(locks.post("/api/locks/" + name + "/acquire", "{\"ttlMs\":\"soon\"}"),
                "'ttlMs' must be a number");
        assertBadRequest(locks.post("/api/locks/" + name + "/acquire", "{\"owner\":[1]}"), "'owner' must be a string");
        Reply oversized = locks.post("/api/locks/" + name + "/acquire",
                "{\"owner\":\"" + "o".repeat(1024 * 1024) + "\"}");
        assertThat(oversized.status()).as("a body over 1 MiB").isEqualTo(413);
        assertThat(oversized.text("type")).isEqualTo("/problems/payload-too-large");

        assertThat(locks.status(name).body().get("fencingToken").isNull()).as("nothing was granted").isTrue();
        Reply longestName = locks.acquire("n".repeat(128) + "", 100L, 60_000L, "o".repeat(256));
        assertThat(longestName.status()).as("the limits themselves are allowed").isEqualTo(200);
        locks.release("n".repeat(128), longestName.text("leaseId"));
    }

    @Test
    void leaseIdsNeverReachLogsOrMetrics(CapturedOutput output) {
        String name = lockName();
        Reply granted = locks.acquire(name, 10_000L, 0L, "audited");
        String leaseId = granted.text("leaseId");
        locks.renew(name, leaseId, 10_000L);
        locks.release(name, leaseId);
        locks.release(name, leaseId);

        Reply metrics = locks.get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.rawBody()).contains("lock_grants_total").doesNotContain(leaseId);
        assertThat(output.getAll()).contains("Granted lock " + name).doesNotContain(leaseId);
    }

    @Test
    void heldLocksAreListedByPrefixAPageAtATimeWithTokenTimeLeftAndWaiters() throws Exception {
        String group = "list-" + UUID.randomUUID() + ":";
        Reply first = locks.acquire(group + "a", 30_000L, 0L, "job-a");
        Reply second = locks.acquire(group + "b", 30_000L, 0L, null);
        Reply third = locks.acquire(group + "c", 30_000L, 0L, null);
        locks.release(group + "c", third.text("leaseId"));
        Thread waiter = Thread.ofVirtual().start(() -> locks.acquire(group + "a", 1_000L, 5_000L, "waiter"));
        try {
            long waiters = 0;
            for (long end = System.nanoTime() + 4_000_000_000L; waiters == 0 && System.nanoTime() < end; Thread
                    .sleep(50)) {
                waiters = locks.get("/api/locks?prefix=" + group).body().get("locks").get(0).get("waiters").asLong();
            }
            assertThat(waiters).as("the queued waiter").isEqualTo(1);

            Reply page = locks.get("/api/locks?prefix=" + group + "&limit=1");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body().get("locks")).hasSize(1);
            var lock = page.body().get("locks").get(0);
            assertThat(lock.get("name").asString()).isEqualTo(group + "a");
            assertThat(lock.get("owner").asString()).isEqualTo("job-a");
            assertThat(lock.get("fencingToken").asLong()).isEqualTo(first.number("fencingToken"));
            assertThat(lock.get("ttlMs").asLong()).isBetween(1L, 30_000L);
            assertThat(page.rawBody()).doesNotContain(first.text("leaseId"));
            assertThat(page.text("next")).isEqualTo(group + "a");

            Reply rest = locks.get("/api/locks?prefix=" + group + "&limit=1&cursor=" + page.text("next"));
            assertThat(rest.body().get("locks")).hasSize(1);
            assertThat(rest.body().get("locks").get(0).get("name").asString()).as("released locks are not listed")
                    .isEqualTo(group + "b");
            assertThat(rest.body().get("locks").get(0).get("owner").isNull()).isTrue();
            assertThat(rest.body().get("next").isNull()).isTrue();
        } finally {
            locks.release(group + "a", first.text("leaseId"));
            locks.release(group + "b", second.text("leaseId"));
            waiter.join();
        }
        assertBadRequest(locks.get("/api/locks?limit=0"), "limit");
        assertBadRequest(locks.get("/api/locks?limit=501"), "limit");
        assertBadRequest(locks.get("/api/locks?limit=x"), "limit");
        assertBadRequest(locks.get("/api/locks?prefix=a*b"), "prefix");
        assertBadRequest(locks.get("/api/locks?cursor=%7Bx%7D"), "cursor");
    }

    @Test
    void healthAndOpenApiArePublished() {
        assertThat(locks.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(locks.get("/actuator/health/liveness").status()).isEqualTo(200);
        Reply openApi = locks.get("/v3/api-docs");
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.body().get("paths").propertyNames())
                .contains("/api/locks/{name}/acquire", "/api/locks/{name}/renew", "/api/locks/{name}/release",
                        "/api/locks/{name}");
    }

    private static void assertBadRequest(Reply reply, String mentioned) {
        assertThat(reply.status()).as(reply.rawBody()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.text("detail")).containsIgnoringCase(mentioned);
    }
}
