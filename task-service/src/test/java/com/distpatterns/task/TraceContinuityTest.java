package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.platform.test.ExportedSpans;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskEndpoint;
import com.distpatterns.task.support.TaskEndpoint.Answer;
import com.distpatterns.task.support.TaskServiceInstance;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * One trace from a request to the worker's call and the task's event: a task submitted with a {@code traceparent}
 * (as the gateway passes it on) reaches its http endpoint, through RabbitMQ and a worker, with the same trace id,
 * and the task's event carries that trace id on to event-service. A procedure call ({@code POST /api/rpc/...}) is
 * answered by the worker in the caller's trace too: the worker's span is a child of the API's request span.
 */
class TraceContinuityTest {

    private static Scratch scratch;
    private static TaskServiceInstance service;
    /** What the service exports, where the OTLP exporter would send it. */
    private static final ExportedSpans SPANS = new ExportedSpans();

    @BeforeAll
    static void start() {
        scratch = new Scratch();
        service = TaskServiceInstance.start(scratch, "api,worker",
                Map.of("tasks.http.allowed-hosts", "127.0.0.1", "management.tracing.sampling.probability", "1.0"),
                Map.of("exportedSpans", SPANS));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        scratch.close();
    }

    @Test
    void aTaskSubmittedInATraceIsRunAndAnnouncedInThatTrace() throws Exception {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";
        try (TaskEndpoint endpoint = new TaskEndpoint(call -> new Answer(200, "{\"ok\":true}"))) {
            String type = "t-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(service.http()
                    .put("/api/task-types/" + type, "{\"mode\":\"http\",\"url\":\"" + endpoint.url() + "\"}")
                    .status()).isEqualTo(201);
            RabbitAdmin admin = service.bean(RabbitAdmin.class);
            Queue events = new AnonymousQueue();
            admin.declareQueue(events);
            Binding binding = BindingBuilder.bind(events).to(new TopicExchange(CloudEventMessages.EXCHANGE))
                    .with("task.succeeded");
            admin.declareBinding(binding);
            try {
                HttpResponse<String> submitted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port(service) + "/api/tasks"))
                        .header("Content-Type", "application/json")
                        .header("traceparent", traceparent)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"" + type + "\",\"args\":{}}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
                String id = Http.json().readTree(submitted.body()).get("id").asString();

                await().atMost(Duration.ofSeconds(30)).until(() -> !endpoint.calls().isEmpty());
                assertThat(endpoint.calls().getFirst().header("traceparent")).as("the worker's call of the endpoint")
                        .startsWith("00-" + traceId + "-");

                Message event = awaitEventOf(new RabbitTemplate(service.bean(ConnectionFactory.class)),
                        events.getName(), id);
                assertThat(String.valueOf((Object) event.getMessageProperties().getHeader("traceparent")))
                        .as("the task's event").startsWith("00-" + traceId + "-");
            } finally {
                admin.deleteQueue(events.getName());
            }
        }
    }

    @Test
    void aFactorialCallIsAnsweredByTheWorkerInTheCallersTrace() throws Exception {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        HttpResponse<String> answered = post("/api/rpc/factorial", "{\"n\":12}", traceId);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(answered.body()).contains("479001600");

        assertWorkerSpanUnderRequestSpan(traceId, "rpc answer");
    }

    @Test
    void aCallOfAnHttpTypeReachesItsEndpointInTheCallersTrace() throws Exception {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        try (TaskEndpoint endpoint = new TaskEndpoint(call -> new Answer(200, "{\"ok\":true}"))) {
            String type = "t-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(service.http()
                    .put("/api/task-types/" + type, "{\"mode\":\"http\",\"url\":\"" + endpoint.url() + "\"}")
                    .status()).isEqualTo(201);

            HttpResponse<String> answered = post("/api/rpc/" + type, "{\"args\":{},\"timeoutMs\":20000}", traceId);
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(endpoint.calls().getFirst().header("traceparent")).as("the worker's call of the endpoint")
                    .startsWith("00-" + traceId + "-");

            assertWorkerSpanUnderRequestSpan(traceId, "task run");
        }
    }

    private static HttpResponse<String> post(String path, String body, String traceId) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port(service) + path))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The worker's consumer span, as exported, belongs to the trace and hangs under the API's request span. */
    private static void assertWorkerSpanUnderRequestSpan(String traceId, String workerSpanName) {
        SdkTracerProvider tracerProvider = service.bean(SdkTracerProvider.class);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            tracerProvider.forceFlush().join(5, TimeUnit.SECONDS);
            List<SpanData> trace = SPANS.ofTrace(traceId);
            SpanData request = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst()
                    .orElseThrow(() -> new AssertionError("no request span in trace " + traceId + ": " + trace));
            assertThat(trace).as("the worker's span in trace " + traceId)
                    .anySatisfy(span -> {
                        assertThat(span.getName()).isEqualTo(workerSpanName);
                        assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
                        assertThat(span.getParentSpanId()).as("its parent, the request's span")
                                .isEqualTo(request.getSpanId());
                    });
        });
    }

    /** Other processes on the shared broker announce tasks too: this task's event is the one naming its id. */
    private static Message awaitEventOf(RabbitTemplate template, String queue, String taskId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Message message = template.receive(queue, 1_000);
            if (message != null && new String(message.getBody(), StandardCharsets.UTF_8).contains(taskId)) {
                return message;
            }
        }
        throw new AssertionError("no task.succeeded event of task " + taskId + " within 30 s");
    }

    private static int port(TaskServiceInstance service) {
        return ((org.springframework.boot.web.server.context.WebServerApplicationContext) service.context())
                .getWebServer().getPort();
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
