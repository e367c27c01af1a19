package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.cluster.KvClient.Answer;
import com.distpatterns.consensus.cluster.SseClient.Event;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Watches on three real JVMs: a watcher sees exactly the committed changes, transactions whole, while the leader
 * and then the watcher's own node are killed with SIGKILL (the client resumes elsewhere with Last-Event-ID); a
 * watch from a compacted revision is told so; a reader that stops reading lags while a fast one keeps up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchProcessTest {

    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);
    private static final int BUFFER_EVENTS = 200;

    private ProcessCluster cluster;
    private Path root;

    @BeforeAll
    void startCluster() throws IOException {
        root = Files.createTempDirectory("consensus-watch-");
        cluster = new ProcessCluster(root, 3, Map.of(
                "CONSENSUS_REQUEST_TIMEOUT", "4s",
                // Small, so a restarted node may catch up from a streamed checkpoint (the store is replaced under the hub).
                "CONSENSUS_SNAPSHOT_EVERY", "300",
                "CONSENSUS_SNAPSHOT_KEEP_ENTRIES", "50",
                "CONSENSUS_WATCH_BUFFER_EVENTS", Integer.toString(BUFFER_EVENTS),
                "CONSENSUS_WATCH_PROGRESS_INTERVAL", "1s"));
        cluster.startAll();
        ProcessCluster.await("three nodes ready", ProcessCluster.START_TIMEOUT, () -> cluster.ids().stream()
                .allMatch(id -> cluster.client(id).readiness().ok()));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        System.out.println("node logs under " + root + ":\n" + (cluster == null ? "" : cluster.logs()));
    }

    /** What the watching client saw: one entry per revision, its events' JSON. */
    private record Seen(long revision, List<JsonNode> events) {}

    /**
     * A client of the watch API as users should write one: it follows the stream, and when the stream ends
     * (its node died, or it lagged) it reconnects to another live node with Last-Event-ID.
     */
    private final class Follower implements Runnable {
        final List<Seen> seen = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        volatile long lastId;
        volatile long currentNode;
        volatile SseClient client;
        final AtomicBoolean running = new AtomicBoolean(true);

        Follower(long node) {
            this.currentNode = node;
        }

        @Override
        public void run() {
            Long resume = null;
            while (running.get()) {
                long node = currentNode;
                if (!cluster.nodes.get(node).isAlive()) {
                    currentNode = cluster.ids().stream().filter(id -> cluster.nodes.get(id).isAlive()).findFirst()
                            .orElse(node);
                    continue;
                }
                try (SseClient sse = SseClient.open(cluster.nodes.get(node).baseUrl(),
                        "/api/kv/watch?prefix=w/&prevKv=true" + (resume == null ? "&fromRevision=1" : ""), resume)) {
                    client = sse;
                    notes.add("node " + node + " from " + (resume == null ? 1 : resume + 1) + ": " + sse.status);
                    while (running.get()) {
                        Event event = sse.next(Duration.ofMillis(200));
                        if (event == null) {
                            continue;
                        }
                        if (event.name().equals(SseClient.END)) {
                            break;
                        }
                        if (event.name().equals("lagging")) {
                            notes.add("lagging " + event.data());
                            lastId = KvClient.JSON.readTree(event.data()).get("resumeFrom").asLong() - 1;
                            continue;
                        }
                        assertThat(event.name()).as(event.toString()).isIn("put", "delete", "txn", "progress");
                        if (!event.name().equals("progress")) {
                            JsonNode data = KvClient.JSON.readTree(event.data());
                            List<JsonNode> events = new ArrayList<>();
                            data.forEach(e -> events.add(e));
                            synchronized (seen) {
                                seen.add(new Seen(event.id(), event.name().equals("txn") ? events : List.of(data)));
                            }
                        }
                        lastId = event.id();
                    }
                } catch (RuntimeException | InterruptedException e) {
                    notes.add("node " + node + ": " + e);
                    sleep(200);
                }
                resume = lastId;
                currentNode = cluster.ids().get((cluster.ids().indexOf(node) + 1) % cluster.ids().size());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An acknowledged write: its revision and the keys it put, or deleted (value null). */
    private record Acked(long revision, Map<String, String> writes) {}

    private void writer(int client, Random random, List<Acked> acked, AtomicBoolean running) {
        for (int n = 0; running.get(); n++) {
            List<Long> live = cluster.ids().stream().filter(id -> cluster.nodes.get(id).isAlive()).toList();
            KvClient node = cluster.client(live.get(random.nextInt(live.size())));
            int kind = random.nextInt(10);
            Map<String, String> writes = new HashMap<>();
            Answer answer;
            if (kind < 6) {
                String key = "w/c" + client + "/" + random.nextInt(20);
                String value = "{\"c\":" + client + ",\"n\":" + n + "}";
                writes.put(key, value);
                answer = node.put(key, value);
            } else if (kind < 7) {
                String key = "w/c" + client + "/" + random.nextInt(20);
                writes.put(key, null);
                answer = node.delete(key);
            } else {
                StringBuilder ops = new StringBuilder();
                for (String part : List.of("a", "b", "c")) {
                    String key = "w/t" + client + "/" + random.nextInt(5) + part;
                    String value = "{\"t\":" + client + ",\"n\":" + n + "}";
                    writes.put(key, value);
                    ops.append(ops.isEmpty() ? "" : ",").append("{\"put\":{\"key\":\"").append(key)
                            .append("\",\"value\":")
                            .append(value).append("}}");
                }
                answer = node.post("/api/txn", "{\"success\":[" + ops + "]}");
            }
            if (answer.ok() && (kind != 6 || answer.body().get("deleted").asBoolean())) {
                acked.add(new Acked(answer.body().get("header").get("revision").asLong(), writes));
            } else if (!answer.ok()) {
                sleep(50);
            }
        }
    }

    @Test
    @Order(1)
    void aWatcherSeesExactlyTheCommittedChangesThroughKilledLeaderAndKilledWatchNode() throws Exception {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        long watchNode = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
        Follower follower = new Follower(watchNode);
        Thread following = Thread.ofPlatform().start(follower);
        ProcessCluster.await("the watch open", Duration.ofSeconds(10), () -> follower.client != null);

        List<Acked> acked = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            writers.add(Thread.ofPlatform().start(() -> writer(client, new Random(client), acked, running)));
        }
        Thread.sleep(3000);
        NodeProcess killedLeader = cluster.nodes.get(leader);
        killedLeader.kill();
        Thread.sleep(4000);
        cluster.start(killedLeader);
        ProcessCluster.await("the killed leader serving again", ProcessCluster.START_TIMEOUT,
                () -> cluster.client(leader).readiness().ok());
        Thread.sleep(2000);
        NodeProcess killedWatchNode = cluster.nodes.get(watchNode);
        long seenBeforeKill = follower.lastId;
        killedWatchNode.kill();
        Thread.sleep(4000);
        cluster.start(killedWatchNode);
        Thread.sleep(3000);
        running.set(false);
        for (Thread writer : writers) {
            writer.join();
        }
        long last = cluster.client(leader).call("GET", "/api/kv?prefix=w/&countOnly=true", null).body().get("header")
                .get("revision").asLong();
        ProcessCluster.await("the watcher at revision " + last, Duration.ofSeconds(60), () -> follower.lastId >= last);
        follower.running.set(false);
        following.join();
        System.out.println("watcher: " + follower.notes + "; " + acked.size() + " acknowledged writes, revision " + last
                + ", " + follower.seen.size() + " revisions seen, " + seenBeforeKill + " before its node was killed");

        // Every change in this cluster is under w/: the watcher must have seen every revision once, in order.
        List<Long> revisions = follower.seen.stream().map(Seen::revision).toList();
        List<Long> expected = new ArrayList<>();
        for (long r = 1; r <= last; r++) {
            expected.add(r);
        }
        assertThat(revisions).as("revisions seen across the reconnects, none twice").doesNotHaveDuplicates();
        assertThat(revisions).as("revisions seen across the reconnects, none missing").isEqualTo(expected);
        assertThat(follower.notes).as("the client resumed on another node after its node was killed")
                .anyMatch(n -> n.startsWith("node ") && !n.startsWith("node " + watchNode + " ")
                        && !n.endsWith("from 1: 200"));

        // The watched changes, replayed, give the store's state; each prevKv is what the key was just before.
        Map<String, JsonNode> state = new HashMap<>();
        Map<Long, Map<String, String>> watched = new HashMap<>();
        for (Seen seen : follower.seen) {
            Map<String, String> writes = new HashMap<>();
            for (JsonNode event : seen.events()) {
                String key = event.get("kv").get("key").asString();
                assertThat(event.get("revision").asLong()).isEqualTo(seen.revision());
                assertThat(event.get("kv").get("modRevision").asLong()).isEqualTo(seen.revision());
                JsonNode before = state.get(key);
                assertThat(event.get("prevKv").isNull() ? null : event.get("prevKv").toString())
                        .as("prevKv of %s at %d", key, seen.revision())
                        .isEqualTo(before == null ? null : before.toString());
                if (event.get("type").asString().equals("put")) {
                    state.put(key, event.get("kv"));
                    writes.put(key, event.get("kv").get("value").toString());
                } else {
                    state.remove(key);
                    writes.put(key, null);
                }
            }
            watched.put(seen.revision(), writes);
        }
        for (Acked write : acked) {
            assertThat(watched.get(write.revision())).as("acknowledged write at %d, whole", write.revision())
                    .isEqualTo(normalized(write.writes()));
        }
        Answer range = cluster.client(leader).call("GET", "/api/kv?prefix=w/&limit=1000&revision=" + last, null);
        assertThat(range.body().get("more").asBoolean()).isFalse();
        Map<String, String> stored = new HashMap<>();
        range.body().get("kvs").forEach(kv -> stored.put(kv.get("key").asString(), kv.toString()));
        Map<String, String> replayed = new HashMap<>();
        state.forEach((key, kv) -> replayed.put(key, kv.toString()));
        assertThat(replayed).as("the watched changes replayed = the store at revision " + last).isEqualTo(stored);
    }

    private static Map<String, String> normalized(Map<String, String> writes) {
        Map<String, String> out = new HashMap<>();
        writes.forEach((key, value) -> out.put(key, value == null ? null : KvClient.JSON.readTree(value).toString()));
        return out;
    }

    @Test
    @Order(2)
    void aWatchFromACompactedRevisionIsToldSoAndEnds() throws Exception {
        KvClient client = cluster.client(cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT));
        long before = client.put("compact/a", "1").body().get("header").get("revision").asLong();
        long at = client.put("compact/a", "2").body().get("header").get("revision").asLong();
        assertThat(client.post("/api/kv/compact", "{\"revision\":" + at + "}").status()).isEqualTo(200);
        for (long id : cluster.ids()) {
            ProcessCluster.await("node " + id + " compacted", Duration.ofSeconds(30), () -> cluster.cluster(id)
                    .map(view -> view.path("compactedRevision").asLong() >= at || view.path("revision").asLong() >= at)
                    .orElse(false));
            try (SseClient sse = SseClient.open(cluster.nodes.get(id).baseUrl(),
                    "/api/kv/watch?key=compact/a&fromRevision=" + before, null)) {
                Event event = sse.next(Duration.ofSeconds(20));
                assertThat(event).isNotNull();
                assertThat(event.name()).as("node %d", id).isEqualTo("compacted");
                assertThat(KvClient.JSON.readTree(event.data()).get("compactedRevision").asLong()).isEqualTo(at);
                assertThat(sse.next(Duration.ofSeconds(20)).name()).as("the stream ends").isEqualTo(SseClient.END);
            }
        }
    }

    @Test
    @Order(3)
    void aReaderThatStopsReadingLagsWhileAFastOneOnTheSameNodeKeepsUp() throws Exception {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        long node = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
        NodeProcess watched = cluster.nodes.get(node);
        long start = cluster.client(leader).call("GET", "/api/kv?prefix=slow/&countOnly=true", null).body()
                .get("header").get("revision").asLong() + 1;
        try (Socket slow = new Socket();
                SseClient fast = SseClient.open(watched.baseUrl(),
                        "/api/kv/watch?prefix=slow/&fromRevision=" + start, null)) {
            slow.setReceiveBufferSize(4096);
            slow.setSoTimeout(60_000);
            slow.connect(new java.net.InetSocketAddress("127.0.0.1", watched.httpPort));
            OutputStream out = slow.getOutputStream();
            out.write(("GET /api/kv/watch?prefix=slow/&fromRevision=" + start + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // 64 KiB values: the slow socket's buffers fill within a few MiB, then its watcher's buffer.
            String value = "\"" + "x".repeat(64 * 1024) + "\"";
            int writes = 3 * BUFFER_EVENTS;
            List<Long> fastSeen = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                assertThat(cluster.client(leader).put("slow/" + (i % 10), value).status()).isEqualTo(200);
                drain(fast, fastSeen, Duration.ZERO);
            }
            long end = start + writes - 1;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((fastSeen.isEmpty() || fastSeen.getLast() < end) && System.nanoTime() < deadline) {
                drain(fast, fastSeen, Duration.ofMillis(200));
            }
            List<Long> all = new ArrayList<>();
            for (long r = start; r <= end; r++) {
                all.add(r);
            }
            assertThat(fastSeen).as("the fast reader got every revision").isEqualTo(all);

            // Now read the slow stream: the revisions it was handed, in order, then lagging where they stopped.
            String text = new String(readUntilEnd(slow.getInputStream()), StandardCharsets.ISO_8859_1);
            List<Long> slowIds = new ArrayList<>();
            long resumeFrom = -1;
            for (String block : text.split("\n\n")) {
                if (block.contains("event:lagging")) {
                    resumeFrom = KvClient.JSON.readTree(block.substring(block.indexOf("data:") + 5)).get("resumeFrom")
                            .asLong();
                } else if (block.startsWith("id:") || block.contains("\nid:")) {
                    String id = block.substring(block.indexOf("id:") + 3);
                    slowIds.add(Long.parseLong(id.substring(0, id.indexOf('\n')).strip()));
                }
            }
            System.out.println("slow reader: " + slowIds.size() + " revisions handed, then lagging from " + resumeFrom);
            assertThat(resumeFrom).as("the slow reader was ended with lagging").isBetween(start, end);
            assertThat(slowIds).as("what it was handed, up to where it lagged")
                    .isEqualTo(all.subList(0, (int) (resumeFrom - start)));
        }
    }

    private static void drain(SseClient sse, List<Long> seen, Duration wait) throws InterruptedException {
        for (Event event = sse.next(wait); event != null; event = sse.next(Duration.ZERO)) {
            if (event.name().equals("put")) {
                seen.add(event.id());
            }
        }
    }

    /** The body of an HTTP/1.1 chunked response, de-chunked, once the server ended it (or after a minute). */
    private static byte[] readUntilEnd(InputStream raw) throws IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(raw));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!line(in).isEmpty()) {
            // status line and headers
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (int size; (size = Integer.parseInt(line(in).strip(), 16)) > 0;) {
            // Progress keeps an idle stream talking: without lagging it would never end.
            assertThat(System.nanoTime() - deadline).as("the slow stream ended within 60 s").isNegative();
            body.write(in.readNBytes(size));
            line(in);
        }
        return body.toByteArray();
    }

    private static String line(java.io.DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                throw new IOException("the stream ended without its last chunk");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Test
    @Order(4)
    void badWatchRequestsAre400Problems() {
        KvClient client = cluster.client(1);
        for (String query : List.of("", "?key=a&prefix=b", "?prefix=a&fromRevision=abc", "?prefix=a&fromRevision=0",
                "?prefix=a&prevKv=maybe", "?key=")) {
            Answer answer = client.call("GET", "/api/kv/watch" + query, null);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.contentType()).as(query).startsWith("application/problem+json");
        }
        try (SseClient sse = SseClient.open(client.baseUrl(), "/api/kv/watch?prefix=a", -5L)) {
            assertThat(sse.status).as("Last-Event-ID -5").isEqualTo(400);
        }
    }
}
