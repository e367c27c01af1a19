package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import com.distpatterns.task.infra.RedisTaskStore;
import com.distpatterns.task.infra.TaskTopology;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/tasks} on an API process with no worker (so statuses stay where the test puts them: PENDING, or
 * REVOKED by a DELETE), against the real Redis and RabbitMQ: newest first, every task once across pages, filters,
 * entries of vanished tasks skipped, a bounded amount of index read per call, and 400 for bad parameters.
 */
class TaskListingTest {

    private static Scratch scratch;
    private static TaskServiceInstance api;
    private static Http http;
    /** In submission order, each created at least a millisecond after the one before. */
    private static final List<String> submitted = new ArrayList<>();
    private static final List<String> factorials = new ArrayList<>();
    private static final List<String> sleeps = new ArrayList<>();
    private static final List<String> revoked = new ArrayList<>();
    private static String batchId;

    @BeforeAll
    static void start() throws InterruptedException {
        scratch = new Scratch();
        api = startApi(scratch);
        http = api.http();
        for (int i = 0; i < 12; i++) {
            boolean factorial = i % 2 == 0;
            Http.Reply reply = http.post("/api/tasks", factorial ? "{\"type\":\"factorial\",\"args\":{\"n\":" + i + "}}"
                    : "{\"type\":\"sleep\",\"args\":{\"ms\":" + i + "}}");
            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            String id = reply.field("id");
            submitted.add(id);
            (factorial ? factorials : sleeps).add(id);
            Thread.sleep(2);
        }
        for (String id : List.of(factorials.get(1), factorials.get(3), factorials.get(4))) {
            assertThat(http.delete("/api/tasks/" + id).status()).isEqualTo(202);
            revoked.add(id);
        }
        Thread.sleep(2);
        Http.Reply batch = http.post("/api/batches",
                "{\"type\":\"transform\",\"items\":[1,2,3,4,5,6],\"chunkSize\":1}");
        assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
        batchId = batch.field("id");
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        scratch.close();
    }

    @Test
    void listsEveryTaskNewestFirstEachAsGetShowsIt() {
        Http.Reply reply = http.get("/api/tasks?limit=500");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.json().get("next").isNull()).isTrue();
        List<JsonNode> tasks = list(reply);
        assertThat(tasks).hasSize(18);
        // The batch's six chunks came last (same creation time, among themselves by id), then the rest in reverse.
        assertThat(ids(tasks.subList(0, 6))).containsExactlyInAnyOrderElementsOf(batchTasks())
                .isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(ids(tasks.subList(6, 18))).containsExactlyElementsOf(submitted.reversed());
        assertThat(tasks.subList(0, 6)).allSatisfy(task -> assertThat(task.get("batch").asString()).isEqualTo(batchId));
        assertThat(tasks.subList(6, 18))
                .allSatisfy(task -> assertThat(task.has("batch")).as("a task of its own").isFalse());
        for (JsonNode task : tasks) {
            assertThat(task).isEqualTo(http.get("/api/tasks/" + task.get("id").asString()).json());
        }
    }

    @Test
    void defaultLimitIsFiftyAndPagesCoverEveryTaskOnce() {
        assertThat(list(http.get("/api/tasks"))).hasSize(18);
        assertThat(list(http.get("/api/tasks?status=&type=&batch=&limit=&cursor="))).hasSize(18);
        List<String> all = ids(list(http.get("/api/tasks?limit=500")));
        List<String> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String next = null;
        do {
            Http.Reply reply = http.get("/api/tasks?limit=5" + (next == null ? "" : "&cursor=" + next));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            sizes.add(list(reply).size());
            paged.addAll(ids(list(reply)));
            next = reply.field("next");
        } while (next != null && sizes.size() < 10);
        assertThat(sizes).containsExactly(5, 5, 5, 3);
        assertThat(paged).containsExactlyElementsOf(all);
    }

    @Test
    void aBatchPagesThroughChunksOfTheSameCreationTime() {
        Http.Reply first = http.get("/api/tasks?batch=" + batchId + "&limit=4");
        Http.Reply second = http.get("/api/tasks?batch=" + batchId + "&limit=4&cursor=" + first.field("next"));
        assertThat(list(first)).hasSize(4);
        assertThat(list(second)).hasSize(2);
        assertThat(second.json().get("next").isNull()).isTrue();
        List<String> both = new ArrayList<>(ids(list(first)));
        both.addAll(ids(list(second)));
        assertThat(both).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(batchTasks());
    }

    @Test
    void filtersByStatusTypeAndBatch() {
        List<String> pending = new ArrayList<>(batchTasks().stream().sorted((a, b) -> b.compareTo(a)).toList());
        submitted.reversed().stream().filter(id -> !revoked.contains(id)).forEach(pending::add);
        assertSoftly(softly -> {
            softly.assertThat(ids(list(http.get("/api/tasks?status=REVOKED"))))
                    .containsExactlyElementsOf(revoked.reversed()
                            .stream().sorted((a, b) -> submitted.indexOf(b) - submitted.indexOf(a)).toList());
            softly.assertThat(ids(list(http.get("/api/tasks?status=pending&limit=500"))))
                    .containsExactlyElementsOf(pending);
            softly.assertThat(ids(list(http.get("/api/tasks?status=SUCCESS")))).isEmpty();
            softly.assertThat(ids(list(http.get("/api/tasks?type=sleep"))))
                    .containsExactlyElementsOf(sleeps.reversed());
            softly.assertThat(ids(list(http.get("/api/tasks?type=factorial&status=PENDING"))))
                    .containsExactlyElementsOf(
                            factorials.reversed().stream().filter(id -> !revoked.contains(id)).toList());
            softly.assertThat(ids(list(http.get("/api/tasks?type=transform")))).containsExactlyInAnyOrderElementsOf(
                    batchTasks());
            softly.assertThat(ids(list(http.get("/api/tasks?batch=" + batchId)))).containsExactlyInAnyOrderElementsOf(
                    batchTasks());
            softly.assertThat(ids(list(http.get("/api/tasks?batch=" + batchId + "&type=factorial")))).isEmpty();
            softly.assertThat(ids(list(http.get("/api/tasks?type=nobody")))).isEmpty();
            softly.assertThat(ids(list(http.get("/api/tasks?batch=" + UUID.randomUUID())))).isEmpty();
        });
    }

    @Test
    void aVanishedTaskIsSkippedAndItsEntryRemovedWhileCursorsPastItStillHold() {
        Scratch own = new Scratch();
        try (TaskServiceInstance other = startApi(own)) {
            Http client = other.http();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(client.post("/api/tasks", "{\"type\":\"sleep\",\"args\":{\"ms\":1}}").field("id"));
            }
            Http.Reply first = client.get("/api/tasks?limit=3");
            String next = first.field("next");
            List<String> second = ids(list(client.get("/api/tasks?limit=3&cursor=" + next)));

            // The last task of the first page expires, and with it the entry its cursor names is dropped.
            StringRedisTemplate redis = other.bean(StringRedisTemplate.class);
            String lastOfFirst = ids(list(first)).get(2);
            redis.delete(other.bean(RedisTaskStore.class).taskKey(lastOfFirst));
            assertThat(ids(list(client.get("/api/tasks?limit=500")))).hasSize(5).doesNotContain(lastOfFirst);
            assertThat(redis.opsForZSet().score(own.prefix() + ":index", lastOfFirst)).isNull();
            assertThat(redis.opsForZSet().score(own.prefix() + ":index:type:{sleep}", lastOfFirst)).isNotNull();
            assertThat(ids(list(client.get("/api/tasks?type=sleep&limit=500")))).hasSize(5);
            assertThat(redis.opsForZSet().score(own.prefix() + ":index:type:{sleep}", lastOfFirst)).isNull();

            assertThat(ids(list(client.get("/api/tasks?limit=3&cursor=" + next)))).isEqualTo(second);
        } finally {
            own.close();
        }
    }

    @Test
    void aCallExaminesABoundedPartOfTheIndexAndSaysWhereToGoOn() {
        Scratch own = new Scratch();
        try (TaskServiceInstance other = startApi(own)) {
            Http client = other.http();
            Http.Reply batch = client.post("/api/batches", Http.toJson(Map.of("items",
                    IntStream.range(0, 1500).boxed().toList(), "chunkSize", 1)));
            assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
            String big = batch.field("id");

            // Nothing matches: the first call stops after 1,000 entries, the second reads the other 500.
            Http.Reply first = client.get("/api/tasks?batch=" + big + "&status=SUCCESS&limit=500");
            assertThat(list(first)).isEmpty();
            assertThat(first.field("next")).as("1,000 of 1,500 entries examined").isNotNull();
            Http.Reply second = client.get("/api/tasks?batch=" + big + "&status=SUCCESS&limit=500&cursor="
                    + first.field("next"));
            assertThat(list(second)).isEmpty();
            assertThat(second.json().get("next").isNull()).isTrue();

            Set<String> seen = new HashSet<>();
            String next = null;
            int calls = 0;
            do {
                Http.Reply page = client
                        .get("/api/tasks?status=PENDING&limit=500" + (next == null ? "" : "&cursor=" + next));
                ids(list(page)).forEach(id -> assertThat(seen.add(id)).as("listed once: " + id).isTrue());
                next = page.field("next");
                calls++;
            } while (next != null && calls < 10);
            assertThat(seen).hasSize(1500);
            assertThat(calls).isEqualTo(3);
        } finally {
            own.close();
        }
    }

    @Test
    void badParametersAre400ProblemJson() {
        String notOurs = Base64.getUrlEncoder().encodeToString("123:not-an-id".getBytes(StandardCharsets.UTF_8));
        List<List<String>> cases = List.of(
                List.of("status=DONE", "'status' must be one of PENDING, STARTED, RETRY, SUCCESS, FAILURE, REVOKED"),
                List.of("limit=0", "'limit' must be an integer from 1 to 500, not '0'"),
                List.of("limit=501", "'limit' must be an integer from 1 to 500"),
                List.of("limit=ten", "'limit' must be an integer from 1 to 500"),
                List.of("cursor=%%%", "'cursor' must be a 'next' value"),
                List.of("cursor=" + encode(notOurs), "'cursor' must be a 'next' value"),
                List.of("type=" + encode("Not A Type"), "'type' must be a task type name"),
                List.of("batch=42", "'batch' must be a batch id"));
        assertSoftly(softly -> {
            for (List<String> badCase : cases) {
                Http.Reply reply = http.get("/api/tasks?" + badCase.get(0).replace("%%%", "%25%25%25"));
                softly.assertThat(reply.status()).as(badCase.get(0)).isEqualTo(400);
                softly.assertThat(reply.contentType()).as(badCase.get(0)).startsWith("application/problem+json");
                softly.assertThat(reply.field("detail")).as(badCase.get(0)).contains(badCase.get(1));
            }
        });
    }

    /**
     * An API process whose queues are declared: RabbitAdmin declares them when the process's first Spring AMQP
     * connection opens, and an API process with no worker opens none before it is asked something of the broker.
     */
    private static TaskServiceInstance startApi(Scratch names) {
        TaskServiceInstance instance = TaskServiceInstance.start(names, "api", Map.of());
        instance.bean(AmqpAdmin.class).getQueueInfo(instance.bean(TaskTopology.class).workQueue());
        return instance;
    }

    private static List<String> batchTasks() {
        return ids(list(http.get("/api/tasks?type=transform&limit=500"))).stream()
                .filter(id -> batchId.equals(batchOf(id))).toList();
    }

    private static String batchOf(String id) {
        StringRedisTemplate redis = api.bean(StringRedisTemplate.class);
        return redis.<String, String>opsForHash().get(api.bean(RedisTaskStore.class).taskKey(id), "batch");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<JsonNode> list(Http.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        List<JsonNode> tasks = new ArrayList<>();
        reply.json().get("tasks").forEach(tasks::add);
        return tasks;
    }

    private static List<String> ids(List<JsonNode> tasks) {
        return tasks.stream().map(task -> task.get("id").asString()).toList();
    }
}
