package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

import com.distpatterns.task.infra.TaskTopology;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * An API process with no worker anywhere: what a submission does before any task runs. Bad input is refused
 * before anything is queued; RPC times out into 504; a task revoked now is skipped by a worker started later.
 */
class ApiOnlyTest {

    private static Scratch scratch;
    private static TaskServiceInstance api;
    private static Http http;

    @BeforeAll
    static void start() {
        scratch = new Scratch();
        api = TaskServiceInstance.start(scratch, "api", Map.of("tasks.rpc.timeout", "1s"));
        http = api.http();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        scratch.close();
    }

    @Test
    void anApiOnlyProcessConsumesNothing() {
        assertThat(api.context().getBeansOfType(SimpleMessageListenerContainer.class)).isEmpty();
    }

    @Test
    void everyBadSubmissionIs400ProblemJsonAndQueuesNothing() {
        long queuedBefore = queued();
        String tooManyChunks = Http.toJson(Map.of("items", IntStream.rangeClosed(0, 10_000).boxed().toList(),
                "chunkSize", 1));
        List<List<String>> cases = List.of(
                List.of("/api/tasks", "{\"type\":\"teleport\",\"args\":{}}", "Unknown task type 'teleport'"),
                List.of("/api/tasks", "{\"args\":{\"n\":5}}", "'type' is required"),
                List.of("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":-1}}",
                        "args.n must be from 0 to 400, not -1"),
                List.of("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":401}}", "args.n must be from 0 to 400"),
                List.of("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":\"five\"}}",
                        "args.n must be an integer"),
                List.of("/api/tasks", "{\"type\":\"factorial\",\"args\":{}}", "args.n is required"),
                List.of("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":5,\"m\":1}}",
                        "args.m is not an argument"),
                List.of("/api/tasks", "{\"type\":\"transform\",\"args\":{\"items\":[1,\"x\"]}}",
                        "args.items[1] must be a number"),
                List.of("/api/tasks", "{\"type\":\"sleep\",\"args\":{\"ms\":600000}}",
                        "args.ms must be from 0 to 60000"),
                List.of("/api/tasks", "{\"type\":\"flaky\",\"args\":{\"failures\":99}}",
                        "args.failures must be from 0 to 20"),
                List.of("/api/tasks", "{\"type\":\"flaky\",\"args\":{\"failures\":1},\"maxRetries\":11}",
                        "'maxRetries' must be from 0 to 10"),
                List.of("/api/tasks", "{\"type\":\"flaky\",\"args\":{\"failures\":1},\"maxRetries\":-1}",
                        "'maxRetries' must be from 0 to 10"),
                List.of("/api/tasks", "{\"type\":\"sleep\",\"args\":{\"ms\":1},\"idempotencyKey\":\"\"}",
                        "'idempotencyKey' must be 1 to 200"),
                List.of("/api/tasks", "{\"type\":\"factorial\",\"args\":[5]}", "not valid JSON of the expected shape"),
                List.of("/api/tasks", "{\"type\":", "not valid JSON of the expected shape"),
                List.of("/api/batches", "{\"type\":\"transform\",\"items\":[],\"chunkSize\":10}",
                        "'items' must be a non-empty array"),
                List.of("/api/batches", "{\"type\":\"transform\",\"chunkSize\":10}",
                        "'items' must be a non-empty array"),
                List.of("/api/batches", "{\"type\":\"transform\",\"items\":[1,2],\"chunkSize\":0}",
                        "'chunkSize' must be at least 1"),
                List.of("/api/batches", "{\"type\":\"transform\",\"items\":[1,2],\"chunkSize\":-5}",
                        "'chunkSize' must be at least 1"),
                List.of("/api/batches", "{\"type\":\"factorial\",\"items\":[1,2]}", "type 'factorial' takes no items"),
                List.of("/api/batches", "{\"items\":[1,\"two\"],\"chunkSize\":1}", "items[1] must be a number"),
                List.of("/api/batches", tooManyChunks, "a batch may have at most 10000"),
                List.of("/api/rpc/factorial", "{\"n\":401}", "'n' must be an integer from 0 to 400, not 401"),
                List.of("/api/rpc/factorial", "{\"n\":-3}", "'n' must be an integer from 0 to 400, not -3"),
                List.of("/api/rpc/factorial", "{}", "'n' must be an integer from 0 to 400"));

        assertSoftly(softly -> {
            for (List<String> badCase : cases) {
                Http.Reply reply = http.post(badCase.get(0), badCase.get(1));
                softly.assertThat(reply.status()).as(badCase.get(1)).isEqualTo(400);
                softly.assertThat(reply.contentType()).as(badCase.get(1)).startsWith("application/problem+json");
                softly.assertThat(reply.field("detail")).as(badCase.get(1)).contains(badCase.get(2));
            }
            Http.Reply wrongType = http.post("/api/tasks", "text/plain", "factorial 5");
            softly.assertThat(wrongType.status()).isEqualTo(415);
            softly.assertThat(wrongType.contentType()).startsWith("application/problem+json");
        });
        assertThat(queued()).isEqualTo(queuedBefore);
    }

    @Test
    void aBodyOverOneMebibyteIs413WhetherItsLengthIsDeclaredOrNot() throws Exception {
        long queuedBefore = queued();
        String items = "1,".repeat(600_000) + "1";
        String body = "{\"type\":\"transform\",\"args\":{\"items\":[" + items + "]}}";

        Http.Reply declared = http.post("/api/tasks", body);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.contentType()).startsWith("application/problem+json");
        assertThat(declared.field("type")).isEqualTo("/problems/payload-too-large");
        assertThat(declared.field("detail")).contains("larger than 1048576 bytes");

        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/api/tasks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("payload-too-large");
        assertThat(queued()).isEqualTo(queuedBefore);
    }

    @Test
    void rpcWithNoWorkerRunningIs504ProblemJson() {
        Http.Reply reply = http.post("/api/rpc/factorial", "{\"n\":5}");
        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.field("type")).isEqualTo("/problems/rpc-timeout");
        assertThat(reply.field("detail")).contains("No worker answered factorial(5)");
    }

    @Test
    void theSameIdempotencyKeyAnswersTheFirstTaskAndQueuesOnce() {
        long queuedBefore = queued();
        String body = "{\"type\":\"factorial\",\"args\":{\"n\":7},\"idempotencyKey\":\"order-" + scratch.prefix()
                + "\"}";
        Http.Reply first = http.post("/api/tasks", body);
        Http.Reply second = http.post("/api/tasks", body);
        Http.Reply other = http.post("/api/tasks", body.replace("order-", "other-"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.field("id")).isEqualTo(first.field("id"));
        assertThat(second.headers().firstValue("Location")).contains("/api/tasks/" + first.field("id"));
        assertThat(other.field("id")).isNotEqualTo(first.field("id"));
        assertThat(queued()).isEqualTo(queuedBefore + 2);
    }

    @Test
    void aRevokedTaskIsSkippedByTheWorkerThatLaterReceivesIt() {
        String victim = http.post("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":10}}").field("id");
        assertThat(http.get("/api/tasks/" + victim).field("status")).isEqualTo("PENDING");

        Http.Reply revoked = http.delete("/api/tasks/" + victim);
        assertThat(revoked.status()).isEqualTo(202);
        assertThat(revoked.field("status")).isEqualTo("REVOKED");
        assertThat(http.delete("/api/tasks/" + victim).status()).as("revoking twice").isEqualTo(202);

        String after = http.post("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":11}}").field("id");
        try (TaskServiceInstance worker = TaskServiceInstance.start(scratch, "worker", Map.of())) {
            assertThat(worker.context().getBeansOfType(SimpleMessageListenerContainer.class))
                    .as("task and RPC consumers")
                    .hasSize(2);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "SUCCESS".equals(http.get("/api/tasks/" + after).field("status")));
            Http.Reply skipped = http.get("/api/tasks/" + victim);
            assertThat(skipped.field("status")).isEqualTo("REVOKED");
            assertThat(skipped.json().get("attempts").asInt()).isZero();
            assertThat(skipped.json().get("result").isNull()).isTrue();

            Http.Reply tooLate = http.delete("/api/tasks/" + after);
            assertThat(tooLate.status()).isEqualTo(409);
            assertThat(tooLate.contentType()).startsWith("application/problem+json");
            assertThat(tooLate.field("detail")).contains("already finished");
        }
    }

    @Test
    void unknownIdsAre404ProblemJson() {
        // Ids that name something else in the store (a batch's list of tasks) are not ids either.
        String batch = http.post("/api/batches", "{\"type\":\"transform\",\"items\":[1,2],\"chunkSize\":1}")
                .field("id");
        for (Http.Reply reply : List.of(http.get("/api/tasks/no-such-task"), http.delete("/api/tasks/no-such-task"),
                http.get("/api/batches/no-such-batch"), http.get("/api/batches/" + batch + ":tasks"),
                http.get("/api/tasks/" + UUID.randomUUID()), http.delete("/api/tasks/" + batch + ":tasks"))) {
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.field("detail")).startsWith("No ");
        }
    }

    private static long queued() {
        var info = api.bean(AmqpAdmin.class).getQueueInfo(api.bean(TaskTopology.class).workQueue());
        return info == null ? 0 : info.getMessageCount();
    }

    private static int port() {
        return api.context().getEnvironment().getProperty("local.server.port", Integer.class);
    }
}
