package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Users' own task types in mode pull: workers in the test lease tasks over the real HTTP API (API and worker
 * processes on the real Redis and RabbitMQ), as a user's workers in another language would.
 */
class PullTaskTypeTest {

    private static Scratch scratch;
    private static TaskServiceInstance service;
    private static Http http;

    @BeforeAll
    static void start() {
        scratch = new Scratch();
        service = TaskServiceInstance.start(scratch, "api,worker", Map.of());
        http = service.http();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        scratch.close();
    }

    @Test
    void twoWorkersLeasingConcurrentlyNeverGetTheSameTask() throws Exception {
        String type = register("");
        Set<String> submitted = new HashSet<>();
        IntStream.range(0, 40).forEach(i -> submitted.add(submit(type, "{\"i\":" + i + "}")));

        Set<String> leased = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new ArrayList<>();
        List<CompletableFuture<Void>> workers = IntStream.range(0, 2).mapToObj(w -> CompletableFuture.runAsync(() -> {
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (leased.size() < submitted.size() && System.nanoTime() < until) {
                for (JsonNode lease : lease(type, 3, 500, 60_000)) {
                    if (!leased.add(lease.get("taskId").asString())) {
                        synchronized (duplicates) {
                            duplicates.add(lease.get("taskId").asString());
                        }
                    }
                }
            }
        })).toList();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();

        assertThat(duplicates).isEmpty();
        assertThat(leased).isEqualTo(submitted);
        assertThat(http.get("/api/tasks/" + submitted.iterator().next()).field("status")).isEqualTo("STARTED");
    }

    @Test
    void anExpiredLeaseHandsTheTaskToAnotherWorkerAndTheFirstCompleteIs409() {
        String type = register("");
        String id = submit(type, "{\"n\":1}");
        JsonNode first = leaseOne(type, 1_000);
        assertThat(first.get("attempt").asInt()).isEqualTo(1);
        assertThat(first.get("args").get("n").asInt()).isEqualTo(1);

        JsonNode second = awaitLease(type, 30_000);
        assertThat(second.get("taskId").asString()).isEqualTo(id);
        assertThat(second.get("attempt").asInt()).as("an expired lease counts as an attempt").isEqualTo(2);

        Http.Reply stale = complete(id, first.get("leaseId").asString(), "{\"by\":\"first\"}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        Http.Reply done = complete(id, second.get("leaseId").asString(), "{\"by\":\"second\"}");
        assertThat(done.status()).isEqualTo(200);
        JsonNode task = http.get("/api/tasks/" + id).json();
        assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
        assertThat(task.get("result").get("by").asString()).isEqualTo("second");
        assertThat(task.get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void heartbeatsKeepALongTask() throws InterruptedException {
        String type = register("");
        String id = submit(type, "{}");
        JsonNode lease = leaseOne(type, 1_000);
        String leaseId = lease.get("leaseId").asString();
        for (int beat = 0; beat < 6; beat++) {
            Thread.sleep(400);
            Http.Reply reply = http.post("/api/tasks/" + id + "/heartbeat",
                    "{\"leaseId\":\"" + leaseId + "\",\"leaseMs\":1000}");
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            assertThat(lease(type, 1, 0, 1_000)).as("leased by nobody else while the heartbeats come").isEmpty();
        }
        assertThat(complete(id, leaseId, "42").status()).isEqualTo(200);
        assertThat(http.get("/api/tasks/" + id).json().get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void revokingALeasedTaskMakesTheHoldersComplete409() {
        String type = register("");
        String id = submit(type, "{}");
        JsonNode lease = leaseOne(type, 60_000);
        assertThat(http.delete("/api/tasks/" + id).status()).isEqualTo(202);

        assertThat(complete(id, lease.get("leaseId").asString(), "1").status()).isEqualTo(409);
        assertThat(http.get("/api/tasks/" + id).field("status")).isEqualTo("REVOKED");
    }

    @Test
    void aFailureWithRetryComesBackAfterTheBackoffAndOneWithoutEndsTheTask() {
        String type = register(",\"retryBackoff\":{\"initialMs\":200}");
        String id = submit(type, "{}");
        JsonNode first = leaseOne(type, 60_000);
        Http.Reply retried = http.post("/api/tasks/" + id + "/fail",
                "{\"leaseId\":\"" + first.get("leaseId").asString() + "\",\"error\":\"disk full\",\"retry\":true}");
        assertThat(retried.field("status")).isEqualTo("RETRY");

        JsonNode second = awaitLease(type, 60_000);
        assertThat(second.get("attempt").asInt()).isEqualTo(2);
        Http.Reply failed = http.post("/api/tasks/" + id + "/fail",
                "{\"leaseId\":\"" + second.get("leaseId").asString() + "\",\"error\":\"bad input\",\"retry\":false}");
        assertThat(failed.field("status")).isEqualTo("FAILURE");
        assertThat(failed.field("error")).isEqualTo("bad input");
    }

    @Test
    void deletingAPullTypeEndsItsWaitingAndLeasedTasksFailureSayingSo() {
        String type = register("");
        String leasedId = submit(type, "{}");
        JsonNode lease = leaseOne(type, 60_000);
        String waiting = submit(type, "{}");
        // Whether the worker has handed it over to the type's schedule yet or not, it must end FAILURE.
        assertThat(http.delete("/api/task-types/" + type).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILURE".equals(http.get("/api/tasks/" + waiting)
                .field("status")));
        assertThat(http.get("/api/tasks/" + waiting).field("error")).contains("'" + type + "' was deleted");
        assertThat(http.get("/api/tasks/" + leasedId).field("status")).isEqualTo("FAILURE");
        assertThat(complete(leasedId, lease.get("leaseId").asString(), "1").status()).isEqualTo(409);
    }

    @Test
    void badLeaseRequestsAre4xx() {
        String type = register("");
        for (String body : List.of("{\"max\":0}", "{\"max\":257}", "{\"waitMs\":60001}", "{\"leaseMs\":999}")) {
            Http.Reply reply = http.post("/api/task-types/" + type + "/leases", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
        }
        assertThat(http.post("/api/task-types/no-such-type/leases", "{}").status()).isEqualTo(404);
        assertThat(http.post("/api/tasks/" + UUID.randomUUID() + "/complete", "{\"leaseId\":\"x\"}").status())
                .isEqualTo(404);
    }

    private static String register(String extra) {
        String name = "p-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Reply reply = http.put("/api/task-types/" + name, "{\"mode\":\"pull\"" + extra + "}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return name;
    }

    private static String submit(String type, String args) {
        Http.Reply reply = http.post("/api/tasks", "{\"type\":\"" + type + "\",\"args\":" + args + "}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.field("id");
    }

    private static List<JsonNode> lease(String type, int max, long waitMs, long leaseMs) {
        Http.Reply reply = http.post("/api/task-types/" + type + "/leases",
                "{\"max\":" + max + ",\"waitMs\":" + waitMs + ",\"leaseMs\":" + leaseMs + ",\"worker\":\"test\"}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json().get("leases").valueStream().toList();
    }

    /** The one task submitted (the worker hands it over first). */
    private static JsonNode leaseOne(String type, long leaseMs) {
        return awaitLease(type, leaseMs);
    }

    private static JsonNode awaitLease(String type, long leaseMs) {
        List<JsonNode> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            got.addAll(lease(type, 1, 2_000, leaseMs));
            return !got.isEmpty();
        });
        assertThat(got).hasSize(1);
        return got.getFirst();
    }

    private static Http.Reply complete(String id, String leaseId, String result) {
        return http.post("/api/tasks/" + id + "/complete",
                "{\"leaseId\":\"" + leaseId + "\",\"result\":" + result + "}");
    }
}
