package com.distpatterns.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The suite started from its jars by {@code scripts/run-local.sh}, used through the gateway as a user would. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedSuite.class)
@Order(Integer.MAX_VALUE) // last of the classes: its last test takes services down and starts them again
class SuiteIT {

    static final String KEY = SharedSuite.KEY;
    static final String GATEWAY = SharedSuite.GATEWAY;
    static final String REGISTRY = SharedSuite.REGISTRY;
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void startedByTheHarness() {
        assumeTrue(SharedSuite.started(), "SuiteIT checks scripts/run-local.sh itself: not against a given suite");
    }

    @Test
    void everyServiceIsRegisteredInEureka() throws Exception {
        HttpResponse<String> apps = http.send(HttpRequest.newBuilder(URI.create(REGISTRY + "/eureka/apps"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(apps.statusCode()).isEqualTo(200);
        assertThat(apps.body()).contains("\"GATEWAY\"", "\"CACHE-SERVICE\"", "\"LOCK-SERVICE\"", "\"TASK-SERVICE\"",
                "\"EVENT-SERVICE\"", "\"CONSENSUS-SERVICE\"");
    }

    @Test
    void theGatewayWantsTheKey() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(GATEWAY + "/api/locks/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void aCachedValueComesBackAsStored() throws Exception {
        String path = "/api/caches/e2e-" + RUN + "/entries/greeting";
        HttpResponse<String> put = call("PUT", path + "?ttlSeconds=120", "{\"hello\": \"wörld\", \"n\": [1, 2.50]}");
        assertThat(put.statusCode()).isEqualTo(204);
        HttpResponse<String> get = call("GET", path, null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("{\"hello\": \"wörld\", \"n\": [1, 2.50]}");
        assertThat(get.headers().firstValue("Cache-TTL-Remaining")).isPresent();
    }

    @Test
    void aLockIsGrantedWithAFencingTokenAndReleasedByItsHolder() throws Exception {
        String lock = "/api/locks/e2e-" + RUN;
        JsonNode lease = body(call("POST", lock + "/acquire", "{\"ttlMs\":10000,\"waitMs\":0,\"owner\":\"e2e\"}"), 200);
        assertThat(lease.get("fencingToken").asLong()).isPositive();
        JsonNode status = body(call("GET", lock, null), 200);
        assertThat(status.get("held").asBoolean()).isTrue();
        assertThat(status.has("leaseId")).isFalse();
        assertThat(call("POST", lock + "/release", "{\"leaseId\":\"" + lease.get("leaseId").asString() + "\"}")
                .statusCode())
                .isEqualTo(204);
    }

    @Test
    void aTaskRunsOnAWorkerAndAnRpcIsAnswered() throws Exception {
        JsonNode accepted = body(
                call("POST", "/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":20},\"maxRetries\":3}"), 202);
        String id = accepted.get("id").asString();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode task = body(call("GET", "/api/tasks/" + id, null), 200);
            assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
            assertThat(task.get("result").toString()).contains("2432902008176640000");
        });
        JsonNode rpc = body(call("POST", "/api/rpc/factorial", "{\"n\":25}"), 200);
        assertThat(rpc.get("result").asString()).isEqualTo("15511210043330985984000000");
    }

    @Test
    void anEventReachesALiveStreamAndAWebhook() throws Exception {
        BlockingQueue<String> hooks = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String subscription = "/api/subscriptions/e2e-" + RUN;
        String type = "e2e" + RUN + ".user.created";
        try {
            HttpResponse<String> created = call("PUT", subscription,
                    "{\"pattern\":\"e2e" + RUN + ".#\",\"webhookUrl\":\"http://127.0.0.1:"
                            + receiver.getAddress().getPort() + "/hook\"}");
            assertThat(created.statusCode()).isEqualTo(201);

            BlockingQueue<String> streamed = new LinkedBlockingQueue<>();
            HttpRequest stream = HttpRequest
                    .newBuilder(URI.create(GATEWAY + "/api/events/stream?pattern=e2e" + RUN + ".*.*"))
                    .header("X-API-Key", KEY).header("Accept", "text/event-stream").build();
            CompletableFuture<HttpResponse<java.io.InputStream>> open = http.sendAsync(stream,
                    HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<java.io.InputStream> streaming = open.get(20, TimeUnit.SECONDS);
            assertThat(streaming.statusCode()).isEqualTo(200);
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(streaming.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null;) {
                        streamed.add(line);
                    }
                } catch (IOException ignored) {
                    // the stream ends when the test closes it
                }
            });

            // The stream's queue is bound once the response has started; publish until the stream sees one.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                body(call("POST", "/api/events/" + type, "{\"user\":\"ada\"}"), 202);
                return streamed.stream()
                        .anyMatch(line -> line.equals("event: " + type) || line.equals("event:" + type));
            });
            String hook = hooks.poll(30, TimeUnit.SECONDS);
            assertThat(hook).isNotNull();
            JsonNode event = json.readTree(hook);
            assertThat(event.get("type").asString()).isEqualTo(type);
            assertThat(event.get("data").get("user").asString()).isEqualTo("ada");
            streaming.body().close();
            reader.interrupt();
        } finally {
            call("DELETE", subscription, null);
            receiver.stop(0);
        }
    }

    @Test
    void theConsensusStoreKeepsWhatWasWritten() throws Exception {
        String key = "/api/kv/e2e-" + RUN;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> call("PUT", key, "{\"replicated\":true}").statusCode() == 200);
        JsonNode read = body(call("GET", key, null), 200);
        assertThat(read.get("value").get("replicated").asBoolean()).isTrue();
        assertThat(read.get("revision").asLong()).isPositive();
    }

    /**
     * Every metric name that ops/ (Prometheus rules, Grafana dashboards) uses is one a service of the running suite
     * really exposes, so a renamed or dropped metric fails here rather than leaving a blank panel or a silent alert.
     * After the other calls (by its order), so that metrics made on first use exist; a task that is retried and one
     * that fails make the task outcome counters.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void everyMetricTheDashboardsAndAlertsUseIsExposed() throws Exception {
        String retried = body(
                call("POST", "/api/tasks", "{\"type\":\"flaky\",\"args\":{\"failures\":1},\"maxRetries\":2}"), 202)
                .get("id").asString();
        String failed = body(
                call("POST", "/api/tasks", "{\"type\":\"flaky\",\"args\":{\"failures\":1},\"maxRetries\":0}"), 202)
                .get("id").asString();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(body(call("GET", "/api/tasks/" + retried, null), 200).get("status").asString())
                    .isEqualTo("SUCCESS");
            assertThat(body(call("GET", "/api/tasks/" + failed, null), 200).get("status").asString())
                    .isEqualTo("FAILURE");
        });

        Set<String> exposed = new TreeSet<>();
        for (int port : SCRAPED_PORTS) {
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + (port + SharedSuite.OFFSET) + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).as("/actuator/prometheus on :%d", port + SharedSuite.OFFSET).isEqualTo(200);
            exposed.addAll(MonitoredMetrics.exposed(scrape.body()));
        }
        // The consensus gauges the no-leader alert reads agree with the cluster: one leader, known to every node.
        double leaders = 0;
        for (int port : List.of(8085, 8086, 8087)) {
            String scrape = http.send(HttpRequest
                    .newBuilder(URI.create("http://127.0.0.1:" + (port + SharedSuite.OFFSET) + "/actuator/prometheus"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            leaders += MonitoredMetrics.value(scrape, "consensus_raft_leader");
            assertThat(MonitoredMetrics.value(scrape, "consensus_raft_leader_known"))
                    .as("node on :%d knows the leader", port).isEqualTo(1.0);
            assertThat(MonitoredMetrics.value(scrape, "consensus_raft_term")).as("node on :%d's term", port)
                    .isPositive();
        }
        assertThat(leaders).as("consensus nodes reporting consensus_raft_leader 1").isEqualTo(1.0);

        Path ops = Path.of(System.getProperty("suite.root", "../..")).toAbsolutePath().normalize().resolve("ops");
        MonitoredMetrics monitored = MonitoredMetrics.read(ops);
        assertThat(monitored.expressions()).isNotEmpty();
        assertThat(monitored.missingFrom(exposed)).as("metric names used in ops/ that no service exposes").isEmpty();
    }

    /** Every process of the suite, by its port before the offset: registry, gateway, services, worker, Raft nodes. */
    static final List<Integer> SCRAPED_PORTS = List.of(8761, 8080, 8081, 8082, 8083, 8093, 8084, 8085, 8086, 8087);

    /**
     * After a crash the user runs the run command again. A service killed a moment before (its pid file still names
     * the dying process) is started again, and a pid file whose number now belongs to another program is not taken
     * for ours: that program is left alone and the service is started. Last, because it takes services down.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theRunCommandRestartsWhatWasKilled() throws Exception {
        LocalSuite suite = SharedSuite.suite();
        long cache = suite.pid("cache-service");
        long lock = suite.pid("lock-service");
        Process stranger = new ProcessBuilder("sleep", "600").start();
        try {
            ProcessHandle.of(lock).orElseThrow().destroyForcibly();
            ProcessHandle.of(lock).ifPresent(dying -> dying.onExit().join());
            suite.recordPid("lock-service", stranger.pid());
            // SIGKILL and, without waiting for it to end, the run command.
            ProcessHandle.of(cache).orElseThrow().destroyForcibly();
            int exit = suite.startAgain();

            assertThat(exit).as("scripts/run-local.sh start after kill -9:%n%s", suite.logs()).isZero();
            assertThat(suite.pid("cache-service")).isNotEqualTo(cache);
            assertThat(suite.pid("lock-service")).isNotIn(lock, stranger.pid());
            assertThat(stranger.isAlive()).as("the program that got the old pid is left alone").isTrue();
            String path = "/api/caches/e2e-" + RUN + "/entries/after-restart";
            assertThat(call("PUT", path, "1").statusCode()).isEqualTo(204);
            assertThat(body(call("POST", "/api/locks/e2e-restart-" + RUN + "/acquire", "{\"ttlMs\":1000}"), 200)
                    .get("fencingToken").asLong()).isPositive();
        } finally {
            stranger.destroyForcibly();
        }
    }

    static HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(GATEWAY + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-API-Key", KEY);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode body(HttpResponse<String> response, int expectedStatus) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return json.readTree(response.body());
    }
}
