package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.platform.outbound.WebhookSecret;
import com.distpatterns.platform.outbound.WebhookSignature;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskEndpoint;
import com.distpatterns.task.support.TaskEndpoint.Answer;
import com.distpatterns.task.support.TaskServiceInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import tools.jackson.databind.JsonNode;

/**
 * Users' own task types in mode http, against real HTTP servers standing for their endpoints: registration, the
 * worker's calls (signed, retried with the type's backoff, refused for good on a 4xx), and what a second API
 * process and a deletion do.
 */
class HttpTaskTypeTest {

    private static final Map<String, String> ALLOW_LOCAL = Map.of("tasks.http.allowed-hosts", "127.0.0.1");

    private static Scratch scratch;
    private static TaskServiceInstance service;
    private static Http http;

    @BeforeAll
    static void start() {
        scratch = new Scratch();
        service = TaskServiceInstance.start(scratch, "api,worker", ALLOW_LOCAL);
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
    void registrationIsCreatedThenUpdatedListedAndDeleted() {
        String name = typeName();
        Http.Reply created = http.put("/api/task-types/" + name,
                "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:9/x\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.field("secret")).startsWith("whsec_");
        assertThat(created.json().get("timeoutMs").asLong()).isEqualTo(30_000);
        assertThat(created.json().get("concurrency").asInt()).isEqualTo(16);

        Http.Reply updated = http.put("/api/task-types/" + name,
                "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:9/y\",\"timeoutMs\":1000,\"concurrency\":2}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().has("secret")).as("the secret is shown once").isFalse();
        assertThat(http.get("/api/task-types/" + name).field("url")).isEqualTo("http://127.0.0.1:9/y");
        List<String> listed = http.get("/api/task-types").json().get("types").valueStream()
                .map(type -> type.get("type").asString()).toList();
        assertThat(listed).contains("factorial", "transform", "sleep", "flaky", name);

        assertThat(http.delete("/api/task-types/" + name).status()).isEqualTo(204);
        assertThat(http.get("/api/task-types/" + name).status()).isEqualTo(404);
        assertThat(http.delete("/api/task-types/" + name).status()).isEqualTo(404);
        assertThat(http.post("/api/tasks", "{\"type\":\"" + name + "\",\"args\":{}}").status())
                .as("a task of a type that is gone").isEqualTo(400);
    }

    @Test
    void badRegistrationsAre4xxProblemJsonAndStoreNothing() {
        String name = typeName();
        Map<String, Integer> cases = Map.of(
                "/api/task-types/Bad_Name", 400,
                "/api/task-types/" + "x".repeat(65), 400,
                "/api/task-types/factorial", 409);
        cases.forEach((path, status) -> {
            Http.Reply reply = http.put(path, "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:9/x\"}");
            assertThat(reply.status()).as(path).isEqualTo(status);
            assertThat(reply.contentType()).as(path).startsWith("application/problem+json");
        });
        assertThat(http.delete("/api/task-types/sleep").status()).isEqualTo(409);
        for (String body : List.of("{}", "{\"mode\":\"smtp\",\"url\":\"http://127.0.0.1:9/\"}",
                "{\"mode\":\"http\"}", "{\"mode\":\"http\",\"url\":\"ftp://127.0.0.1/\"}",
                "{\"mode\":\"http\",\"url\":\"http://10.1.2.3/\"}",
                "{\"mode\":\"http\",\"url\":\"http://localhost:9/\"}",
                "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:9/\",\"timeoutMs\":0}",
                "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:9/\",\"concurrency\":257}",
                "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:9/\",\"maxRetries\":11}",
                "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:9/\",\"retryBackoff\":{\"maxMs\":600000}}",
                "{\"mode\":\"pull\",\"url\":\"http://127.0.0.1:9/\"}", "not json")) {
            Http.Reply reply = http.put("/api/task-types/" + name, body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.contentType()).as(body).startsWith("application/problem+json");
        }
        assertThat(http.get("/api/task-types/" + name).status()).isEqualTo(404);
    }

    @Test
    void anEndpointFailingTwiceWith503SucceedsOnTheThirdAttemptAfterTheTypesDelays() {
        try (TaskEndpoint endpoint = new TaskEndpoint(call -> call.number() <= 2
                ? new Answer(503, "{\"busy\":true}")
                : new Answer(200, "{\"sum\":42}"))) {
            String name = register(endpoint, ",\"retryBackoff\":{\"initialMs\":300,\"multiplier\":4,\"maxMs\":5000}");
            String id = submit(name, "{\"a\":40,\"b\":2}");
            JsonNode task = awaitFinished(id);

            assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
            assertThat(task.get("attempts").asInt()).isEqualTo(3);
            assertThat(task.get("result").get("sum").asInt()).isEqualTo(42);
            List<TaskEndpoint.Call> calls = endpoint.calls();
            assertThat(calls).hasSize(3);
            assertThat(calls).extracting(call -> call.header("Task-Attempt")).containsExactly("1", "2", "3");
            assertThat(calls).extracting(call -> call.header("Task-Id")).containsOnly(id);
            assertThat(new String(calls.getFirst().body())).isEqualTo("{\"a\":40,\"b\":2}");
            long first = calls.get(1).receivedAtNanos() - calls.get(0).receivedAtNanos();
            long second = calls.get(2).receivedAtNanos() - calls.get(1).receivedAtNanos();
            // Each wait is at least its own delay less the 20 % jitter: 300 ms, then 300 x 4. It may be longer, up to the
            // ceiling of the delay queue holding it (1.2 s for both): RabbitMQ expires a message only at the head of its
            // queue, and another task's longer wait may be ahead of it. So the second wait need not exceed the first.
            assertThat(Duration.ofNanos(first)).as("the first wait, 300 ms +/- 20 %")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(240));
            assertThat(Duration.ofNanos(second)).as("the second wait, 1.2 s +/- 20 %")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(960));
        }
    }

    @Test
    void a400FromTheEndpointIsFailureAfterOneAttempt() {
        try (TaskEndpoint endpoint = new TaskEndpoint(call -> new Answer(400, "{\"why\":\"no such customer\"}"))) {
            String name = register(endpoint, "");
            JsonNode task = awaitFinished(submit(name, "{}"));

            assertThat(task.get("status").asString()).isEqualTo("FAILURE");
            assertThat(task.get("attempts").asInt()).isEqualTo(1);
            assertThat(task.get("error").asString()).contains("HTTP 400").contains("no such customer");
            assertThat(endpoint.calls()).hasSize(1);
        }
    }

    @Test
    void aHangingEndpointTimesOutAndIsRetried() {
        try (TaskEndpoint endpoint = new TaskEndpoint(call -> new Answer(-1, ""))) {
            String name = register(endpoint,
                    ",\"timeoutMs\":500,\"maxRetries\":1,\"retryBackoff\":{\"initialMs\":100}");
            JsonNode task = awaitFinished(submit(name, "{}"));

            assertThat(task.get("status").asString()).isEqualTo("FAILURE");
            assertThat(task.get("attempts").asInt()).isEqualTo(2);
            assertThat(task.get("error").asString()).contains("500 ms");
            assertThat(endpoint.calls()).hasSize(2);
        }
    }

    @Test
    void theEndpointCanVerifyTheSignatureWithTheTypesSecret() {
        String[] secret = new String[1];
        try (TaskEndpoint endpoint = new TaskEndpoint(call -> {
            String expected = WebhookSignature.sign(new WebhookSecret(secret[0]), call.header("webhook-id"),
                    Long.parseLong(call.header("webhook-timestamp")), call.body());
            return expected.equals(call.header("webhook-signature"))
                    ? new Answer(200, "{\"verified\":true}")
                    : new Answer(401, "{\"verified\":false}");
        })) {
            String name = typeName();
            Http.Reply created = http.put("/api/task-types/" + name,
                    "{\"mode\":\"http\",\"url\":\"" + endpoint.url() + "\"}");
            secret[0] = created.field("secret");
            JsonNode task = awaitFinished(submit(name, "{\"x\":[1,2,3]}"));

            assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
            assertThat(task.get("result").get("verified").asBoolean()).isTrue();
        }
    }

    @Test
    void aSecondApiProcessSeesARegistrationWithinTwoSeconds() {
        try (TaskServiceInstance other = TaskServiceInstance.start(scratch, "api", ALLOW_LOCAL)) {
            String name = typeName();
            // The other process looks the type up (and caches that it is unknown) before it is registered.
            assertThat(other.http().post("/api/tasks", "{\"type\":\"" + name + "\",\"args\":{}}").status())
                    .isEqualTo(400);
            assertThat(http.put("/api/task-types/" + name, "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:9/x\"}")
                    .status())
                    .isEqualTo(201);
            long registered = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(
                    () -> other.http().post("/api/tasks", "{\"type\":\"" + name + "\",\"args\":{}}").status() == 202);
            assertThat(Duration.ofNanos(System.nanoTime() - registered)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void queuedTasksOfADeletedTypeEndFailureSayingSo() {
        try (TaskEndpoint endpoint = new TaskEndpoint(call -> new Answer(200, "{}"))) {
            Scratch own = new Scratch();
            try (own; TaskServiceInstance api = TaskServiceInstance.start(own, "api", ALLOW_LOCAL)) {
                // Declares the queues now; with no worker yet, nothing else in this scratch would have.
                api.bean(RabbitAdmin.class).initialize();
                String name = typeName();
                assertThat(api.http().put("/api/task-types/" + name, "{\"mode\":\"http\",\"url\":\"" + endpoint.url()
                        + "\"}").status()).isEqualTo(201);
                String id = api.http().post("/api/tasks", "{\"type\":\"" + name + "\",\"args\":{}}").field("id");
                assertThat(api.http().delete("/api/task-types/" + name).status()).isEqualTo(204);

                try (TaskServiceInstance worker = TaskServiceInstance.start(own, "worker", ALLOW_LOCAL)) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> "FAILURE".equals(api.http().get("/api/tasks/" + id).field("status")));
                }
                assertThat(api.http().get("/api/tasks/" + id).field("error")).contains("'" + name + "' was deleted");
                assertThat(endpoint.calls()).isEmpty();
            }
        }
    }

    private static String typeName() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String register(TaskEndpoint endpoint, String extra) {
        String name = typeName();
        Http.Reply reply = http.put("/api/task-types/" + name,
                "{\"mode\":\"http\",\"url\":\"" + endpoint.url() + "\"" + extra + "}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return name;
    }

    private static String submit(String type, String args) {
        Http.Reply reply = http.post("/api/tasks", "{\"type\":\"" + type + "\",\"args\":" + args + "}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.field("id");
    }

    private static JsonNode awaitFinished(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String status = http.get("/api/tasks/" + id).field("status");
            return "SUCCESS".equals(status) || "FAILURE".equals(status);
        });
        return http.get("/api/tasks/" + id).json();
    }
}
