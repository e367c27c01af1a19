package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskEndpoint;
import com.distpatterns.task.support.TaskEndpoint.Answer;
import com.distpatterns.task.support.TaskServiceInstance;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every task type is also a procedure: {@code POST /api/rpc/{type}} on built-in, http and pull types. */
class RpcEveryTypeTest {

    private static Scratch scratch;
    private static TaskServiceInstance service;
    private static Http http;

    @BeforeAll
    static void start() {
        scratch = new Scratch();
        service = TaskServiceInstance.start(scratch, "api,worker", Map.of("tasks.http.allowed-hosts", "127.0.0.1"));
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
    void anHttpTypeAnswersWithItsEndpointsResultAnd422WhenTheEndpointRefuses() {
        try (TaskEndpoint endpoint = new TaskEndpoint(call -> new String(call.body()).contains("\"ok\":true")
                ? new Answer(200, "{\"echo\":" + new String(call.body()) + "}")
                : new Answer(400, "{\"why\":\"not ok\"}"))) {
            String type = register("{\"mode\":\"http\",\"url\":\"" + endpoint.url() + "\"}");

            Http.Reply answered = http.post("/api/rpc/" + type, "{\"args\":{\"ok\":true},\"timeoutMs\":10000}");
            assertThat(answered.status()).as(answered.text()).isEqualTo(200);
            assertThat(answered.field("type")).isEqualTo(type);
            assertThat(answered.json().get("result").get("echo").get("ok").asBoolean()).isTrue();

            Http.Reply refused = http.post("/api/rpc/" + type, "{\"args\":{\"ok\":false},\"timeoutMs\":10000}");
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.field("detail")).contains("HTTP 400").contains("not ok");
        }
    }

    @Test
    void aPullTypeAnswersWithWhatItsWorkerCompletes() throws Exception {
        String type = register("{\"mode\":\"pull\"}");
        CompletableFuture<Http.Reply> call = CompletableFuture
                .supplyAsync(() -> http.post("/api/rpc/" + type, "{\"args\":{\"x\":2},\"timeoutMs\":20000}"));
        JsonNode lease = http.post("/api/task-types/" + type + "/leases", "{\"max\":1,\"waitMs\":15000}")
                .json().get("leases").get(0);
        int x = lease.get("args").get("x").asInt();
        assertThat(http.post("/api/tasks/" + lease.get("taskId").asString() + "/complete",
                "{\"leaseId\":\"" + lease.get("leaseId").asString() + "\",\"result\":{\"square\":" + (x * x) + "}}")
                .status())
                .isEqualTo(200);

        Http.Reply answered = call.get(20, TimeUnit.SECONDS);
        assertThat(answered.status()).as(answered.text()).isEqualTo(200);
        assertThat(answered.json().get("result").get("square").asInt()).isEqualTo(4);
    }

    @Test
    void nobodyServingIs504AndTheTaskIsNotLeftToRunLater() {
        String type = register("{\"mode\":\"pull\"}");
        Http.Reply timedOut = http.post("/api/rpc/" + type, "{\"args\":{},\"timeoutMs\":500}");
        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(timedOut.contentType()).startsWith("application/problem+json");
        assertThat(http.post("/api/task-types/" + type + "/leases", "{\"max\":1,\"waitMs\":1000}").json()
                .get("leases").isEmpty()).as("a lease after the deadline finds nothing").isTrue();
    }

    @Test
    void aPullWorkersFailureWithoutRetryIs422AndUnknownTypesAre404() throws Exception {
        String type = register("{\"mode\":\"pull\"}");
        CompletableFuture<Http.Reply> call = CompletableFuture
                .supplyAsync(() -> http.post("/api/rpc/" + type, "{\"args\":{},\"timeoutMs\":20000}"));
        JsonNode lease = http.post("/api/task-types/" + type + "/leases", "{\"max\":1,\"waitMs\":15000}")
                .json().get("leases").get(0);
        http.post("/api/tasks/" + lease.get("taskId").asString() + "/fail",
                "{\"leaseId\":\"" + lease.get("leaseId").asString() + "\",\"error\":\"cannot\",\"retry\":false}");
        assertThat(call.get(20, TimeUnit.SECONDS).status()).isEqualTo(422);

        assertThat(http.post("/api/rpc/no-such-type", "{\"args\":{}}").status()).isEqualTo(404);
        assertThat(http.post("/api/rpc/sleep", "{\"args\":{\"ms\":1},\"timeoutMs\":10000}").json()
                .get("result").get("sleptMs").asInt()).as("a built-in type too").isEqualTo(1);
        assertThat(http.post("/api/rpc/factorial", "{\"n\":5}").field("result")).isEqualTo("120");
    }

    private static String register(String body) {
        String name = "r-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Reply reply = http.put("/api/task-types/" + name, body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return name;
    }
}
