package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.task.infra.RedisTaskStore;
import com.distpatterns.task.infra.TaskMessageCodec;
import com.distpatterns.task.infra.TaskTopology;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.JsonNode;

/** One process with both roles, as {@code TASK_ROLES} defaults: tasks run, retry, fail, batch, and answer RPCs. */
class TaskExecutionTest {

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
    void aSubmittedTaskRunsOnAWorkerAndItsResultCanBeRead() {
        Http.Reply accepted = http.post("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":20}}");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.field("status")).isEqualTo("PENDING");
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/api/tasks/" + accepted.field("id"));

        JsonNode task = awaitStatus(accepted.field("id"), "SUCCESS");
        assertThat(task.get("type").asString()).isEqualTo("factorial");
        assertThat(task.get("result").asString()).isEqualTo("2432902008176640000");
        assertThat(task.get("attempts").asInt()).isEqualTo(1);
        assertThat(task.get("error").isNull()).isTrue();
        assertThat(task.get("createdAt").asString()).isNotBlank();
        assertThat(task.get("updatedAt").asString()).isGreaterThanOrEqualTo(task.get("createdAt").asString());
    }

    @Test
    void transformDoublesEveryItemWithATimestamp() {
        String id = http.post("/api/tasks", "{\"type\":\"transform\",\"args\":{\"items\":[1,2.5,-3]}}").field("id");
        JsonNode result = awaitStatus(id, "SUCCESS").get("result");
        assertThat(result.size()).isEqualTo(3);
        assertThat(result.get(0).get("processed").asInt()).isEqualTo(2);
        assertThat(result.get(1).get("processed").asDouble()).isEqualTo(5.0);
        assertThat(result.get(2).get("processed").asInt()).isEqualTo(-6);
        double now = System.currentTimeMillis() / 1000.0;
        assertThat(result.get(0).get("timestamp").asDouble()).isBetween(now - 120, now + 1);
    }

    @Test
    void aFlakyTaskSucceedsOnItsThirdAttemptAfterRetriesThatWaitLonger() {
        String id = http.post("/api/tasks", "{\"type\":\"flaky\",\"args\":{\"failures\":2},\"maxRetries\":3}")
                .field("id");
        JsonNode task = awaitStatus(id, "SUCCESS");
        assertThat(task.get("attempts").asInt()).isEqualTo(3);
        assertThat(task.get("result").get("succeededOnAttempt").asInt()).isEqualTo(3);

        // When each attempt started, as the worker recorded it.
        long[] starts = Arrays.stream(taskField(id, "starts").split(",")).mapToLong(Long::parseLong).toArray();
        assertThat(starts).hasSize(3);
        long firstWait = starts[1] - starts[0];
        long secondWait = starts[2] - starts[1];
        assertThat(firstWait).as("about 1 s before the first retry").isGreaterThanOrEqualTo(500);
        assertThat(secondWait).as("about 2 s before the second").isGreaterThan(firstWait);
    }

    @Test
    void aTaskOutOfRetriesFailsAndItsMessageSitsInTheDeadLetterQueue() {
        String id = http.post("/api/tasks", "{\"type\":\"flaky\",\"args\":{\"failures\":2},\"maxRetries\":1}")
                .field("id");
        JsonNode task = awaitStatus(id, "FAILURE");
        assertThat(task.get("attempts").asInt()).isEqualTo(2);
        assertThat(task.get("error").asString()).contains("attempt 2 fails");

        RabbitTemplate rabbit = service.context().getBean("taskTemplate", RabbitTemplate.class);
        String deadLetters = service.bean(TaskTopology.class).deadLetterQueue();
        List<Message> dead = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Message message = rabbit.receive(deadLetters, 500);
            if (message != null) {
                dead.add(message);
            }
            return dead.stream().anyMatch(m -> id.equals(m.getMessageProperties().getMessageId()));
        });
        Message message = dead.stream().filter(m -> id.equals(m.getMessageProperties().getMessageId())).findFirst()
                .orElseThrow();
        assertThat(message.getMessageProperties().getHeaders().get(TaskMessageCodec.ATTEMPT_HEADER)).isEqualTo(2);
        assertThat(Http.json().readTree(message.getBody()).get("type").asString()).isEqualTo("flaky");
    }

    @Test
    void aBatchOfTenThousandItemsInChunksOfAThousandGivesItsResultsInChunkOrder() {
        List<Integer> items = IntStream.range(0, 10_000).boxed().toList();
        Http.Reply accepted = http.post("/api/batches", Http.toJson(Map.of("type", "transform", "items", items,
                "chunkSize", 1000)));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().get("tasks").asInt()).isEqualTo(10);
        String id = accepted.field("id");
        assertThat(accepted.headers().firstValue("Location")).contains("/api/batches/" + id);

        await().atMost(Duration.ofSeconds(60))
                .until(() -> "SUCCESS".equals(http.get("/api/batches/" + id).field("status")));
        JsonNode batch = http.get("/api/batches/" + id).json();
        assertThat(batch.get("total").asInt()).isEqualTo(10);
        assertThat(batch.get("succeeded").asInt()).isEqualTo(10);
        assertThat(batch.get("failed").asInt()).isZero();
        JsonNode results = batch.get("results");
        assertThat(results.size()).isEqualTo(10);
        for (int chunk = 0; chunk < 10; chunk++) {
            JsonNode rows = results.get(chunk);
            assertThat(rows.size()).isEqualTo(1000);
            for (int row = 0; row < 1000; row++) {
                assertThat(rows.get(row).get("processed").asInt()).isEqualTo(2 * (chunk * 1000 + row));
            }
        }
    }

    @Test
    void aBatchShowsProgressWithoutResultsUntilEveryChunkFinished() {
        Http.Reply accepted = http.post("/api/batches", "{\"items\":[1,2,3],\"chunkSize\":2}");
        JsonNode early = http.get("/api/batches/" + accepted.field("id")).json();
        assertThat(early.get("total").asInt()).isEqualTo(2);
        if (!"SUCCESS".equals(early.get("status").asString())) {
            assertThat(early.get("results").isNull()).isTrue();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "SUCCESS".equals(http.get("/api/batches/" + accepted.field("id")).field("status")));
    }

    @Test
    void factorialOverRpcIsAnsweredExactlyByAWorker() {
        Http.Reply small = http.post("/api/rpc/factorial", "{\"n\":20}");
        assertThat(small.status()).isEqualTo(200);
        assertThat(small.json().get("n").asInt()).isEqualTo(20);
        assertThat(small.field("result")).isEqualTo("2432902008176640000");

        BigInteger expected = BigInteger.ONE;
        for (int i = 2; i <= 400; i++) {
            expected = expected.multiply(BigInteger.valueOf(i));
        }
        assertThat(http.post("/api/rpc/factorial", "{\"n\":400}").field("result")).isEqualTo(expected.toString());
        assertThat(http.post("/api/rpc/factorial", "{\"n\":0}").field("result")).isEqualTo("1");
    }

    @Test
    void terminalStatesAreAnnouncedAsCloudEventsOnTheEventsExchange() {
        AmqpAdmin admin = service.bean(AmqpAdmin.class);
        Queue listener = new Queue(scratch.prefix() + ".events-listener");
        scratch.ownQueues(List.of(listener.getName()));
        admin.declareQueue(listener);
        admin.declareBinding(new Binding(listener.getName(), Binding.DestinationType.QUEUE, CloudEventMessages.EXCHANGE,
                "task.*", Map.of()));

        String succeeded = http.post("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":3}}").field("id");
        String failed = http.post("/api/tasks", "{\"type\":\"flaky\",\"args\":{\"failures\":1},\"maxRetries\":0}")
                .field("id");
        awaitStatus(succeeded, "SUCCESS");
        awaitStatus(failed, "FAILURE");

        RabbitTemplate rabbit = service.context().getBean("taskTemplate", RabbitTemplate.class);
        Map<String, JsonNode> byTask = new HashMap<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Message message = rabbit.receive(listener.getName(), 500);
            if (message != null) {
                assertThat(message.getMessageProperties().getContentType()).isEqualTo(CloudEventMessages.CONTENT_TYPE);
                JsonNode event = Http.json().readTree(message.getBody());
                byTask.put(event.get("data").get("id").asString(), event);
            }
            return byTask.containsKey(succeeded) && byTask.containsKey(failed);
        });
        JsonNode success = byTask.get(succeeded);
        assertThat(success.get("type").asString()).isEqualTo("task.succeeded");
        assertThat(success.get("source").asString()).isEqualTo("/task-service");
        assertThat(success.get("specversion").asString()).isEqualTo("1.0");
        assertThat(success.get("data").get("status").asString()).isEqualTo("SUCCESS");
        assertThat(success.get("data").get("result").asString()).isEqualTo("6");
        JsonNode failure = byTask.get(failed);
        assertThat(failure.get("type").asString()).isEqualTo("task.failed");
        assertThat(failure.get("data").get("attempts").asInt()).isEqualTo(1);
        assertThat(failure.get("data").get("error").asString()).contains("fails by design");
    }

    @Test
    void aTaskCannotBeRevokedOnceStartedOrFinished() {
        String id = http.post("/api/tasks", "{\"type\":\"sleep\",\"args\":{\"ms\":1500}}").field("id");
        awaitStatus(id, "STARTED");
        Http.Reply started = http.delete("/api/tasks/" + id);
        assertThat(started.status()).isEqualTo(409);
        assertThat(started.contentType()).startsWith("application/problem+json");
        assertThat(started.field("detail")).contains("has already started");

        awaitStatus(id, "SUCCESS");
        assertThat(http.delete("/api/tasks/" + id).status()).isEqualTo(409);
    }

    @Test
    void metricsCountTasksAndShowQueueDepths() {
        String id = http.post("/api/tasks", "{\"type\":\"sleep\",\"args\":{\"ms\":0}}").field("id");
        awaitStatus(id, "SUCCESS");
        Http.Reply metrics = http.get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text())
                .contains("tasks_submitted_total{")
                .contains("tasks_succeeded_total{")
                .contains("tasks_queue_depth{")
                .contains("queue=\"" + scratch.prefix() + ".work\"");
    }

    @Test
    void publishesItsOpenApiDocumentAndHealth() {
        Http.Reply openApi = http.get("/v3/api-docs");
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.json().get("paths").propertyNames())
                .contains("/api/tasks", "/api/tasks/{id}", "/api/batches", "/api/batches/{id}", "/api/rpc/factorial");
        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
    }

    private static JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(http.get("/api/tasks/" + id).field("status")));
        return http.get("/api/tasks/" + id).json();
    }

    private static String taskField(String id, String field) {
        Object value = service.bean(StringRedisTemplate.class).opsForHash()
                .get(service.bean(RedisTaskStore.class).taskKey(id), field);
        return value == null ? null : value.toString();
    }
}
