package com.distpatterns.e2e;

import static com.distpatterns.e2e.SuiteIT.body;
import static com.distpatterns.e2e.SuiteIT.call;
import static com.distpatterns.e2e.SuiteIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * What etcd is used for, through the gateway as a user reaches it: a lease, a key under it, a leader elected under
 * it, a watch that sees them, and the lease's revocation taking the key and the leadership away in one revision.
 */
@ExtendWith(SharedSuite.class)
@Order(4)
class CoordinationIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aLeaseHoldsAKeyAndALeadershipThatAWatcherSeesGoTogether() throws Exception {
        // The cluster elects its leader after the suite answers: wait for the first write.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> call("PUT", "/api/kv/coord-ready-" + RUN, "1").statusCode() == 200);
        long lease = body(call("POST", "/api/leases", "{\"ttlSeconds\":30}"), 200).get("id").asLong();

        String prefix = "coord-" + RUN + "-";
        HttpRequest watch = HttpRequest.newBuilder(URI.create(SharedSuite.GATEWAY + "/api/kv/watch?prefix=" + prefix))
                .header("X-API-Key", SharedSuite.KEY).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> stream = http.sendAsync(watch, HttpResponse.BodyHandlers.ofInputStream())
                .get(20, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null;) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the stream ends when the test closes it
            }
        });
        try {
            JsonNode put = body(call("PUT", "/api/kv/" + prefix + "config?lease=" + lease, "{\"replicas\":3}"), 200);
            assertThat(nextEvent(lines)).isEqualTo("put");
            JsonNode seen = json.readTree(nextData(lines));
            assertThat(seen.get("kv").get("key").asString()).isEqualTo(prefix + "config");
            assertThat(seen.get("kv").get("lease").asLong()).isEqualTo(lease);
            assertThat(seen.get("revision").asLong()).isEqualTo(put.get("revision").asLong());

            String election = "/api/elections/coord-" + RUN;
            JsonNode won = body(call("POST", election + "/campaign",
                    "{\"value\":\"node-a\",\"leaseId\":" + lease + ",\"waitMs\":10000}"), 200);
            assertThat(won.get("value").asString()).isEqualTo("node-a");
            assertThat(body(call("GET", election, null), 200).get("key").asString())
                    .isEqualTo(won.get("key").asString());

            long revoked = body(call("DELETE", "/api/leases/" + lease, null), 200).get("revision").asLong();
            assertThat(nextEvent(lines)).isEqualTo("delete");
            assertThat(json.readTree(nextData(lines)).get("revision").asLong()).isEqualTo(revoked);
            assertThat(call("GET", election, null).statusCode()).as("the leader's key went with its lease")
                    .isEqualTo(404);
            assertThat(call("GET", "/api/kv/" + prefix + "config", null).statusCode()).isEqualTo(404);
            assertThat(call("POST", "/api/leases/" + lease + "/keepalive", null).statusCode()).isEqualTo(404);
        } finally {
            stream.body().close();
            reader.interrupt();
        }
    }

    /** The next {@code event:} name, skipping progress events. */
    private static String nextEvent(BlockingQueue<String> lines) throws InterruptedException {
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            assertThat(line).as("an event on the watch within 30 s").isNotNull();
            if (line.startsWith("event:") && !line.contains("progress")) {
                return line.substring("event:".length()).strip();
            }
        }
    }

    private static String nextData(BlockingQueue<String> lines) throws InterruptedException {
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            assertThat(line).as("the event's data within 30 s").isNotNull();
            if (line.startsWith("data:")) {
                return line.substring("data:".length()).strip();
            }
        }
    }
}
