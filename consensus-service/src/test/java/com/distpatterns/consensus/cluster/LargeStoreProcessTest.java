package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction of issue 19, scaled: three nodes with a small heap (256 MiB, half the run command's) take far
 * more data than the in-memory store survived with twice that heap, then a follower is wiped and catches up from a
 * streamed checkpoint, then all three are killed with SIGKILL and restarted. Every node must come back with every
 * key, and none may run out of heap. {@code -Dconsensus.store-test.bytes} sets the amount (128 MiB by default;
 * the {@code large-store} Maven profile runs 1 GiB).
 */
class LargeStoreProcessTest {

    private static final long TOTAL_BYTES = Long.getLong("consensus.store-test.bytes", 128L << 20);
    private static final int VALUE_BYTES = 8 << 10;
    private static final int WRITERS = 16;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path root;

    @Test
    void aStoreBiggerThanTheHeapSurvivesCatchUpAndRestart() throws Exception {
        int keys = (int) (TOTAL_BYTES / VALUE_BYTES);
        try (ProcessCluster cluster = new ProcessCluster(root, 3, Map.of("CONSENSUS_REQUEST_TIMEOUT", "10s"))) {
            cluster.startAll();
            ProcessCluster.await("three nodes ready", ProcessCluster.START_TIMEOUT,
                    () -> cluster.ids().stream().allMatch(id -> cluster.client(id).readiness().ok()));
            long leader = cluster.awaitLeader(cluster.ids(), Duration.ofSeconds(30));

            long started = System.nanoTime();
            write(cluster.client(leader).baseUrl(), keys);
            long writeMillis = (System.nanoTime() - started) / 1_000_000;
            long revision = revision(cluster, leader);
            assertThat(revision).isGreaterThanOrEqualTo(keys);
            System.out.printf("large-store: %d keys of %d bytes (%d MiB) written in %d ms; revision %d%n", keys,
                    VALUE_BYTES,
                    TOTAL_BYTES >> 20, writeMillis, revision);
            for (long id : cluster.ids()) {
                ProcessCluster.await("node " + id + " at revision " + revision, Duration.ofMinutes(2),
                        () -> revision(cluster, id) == revision);
                System.out.printf("large-store: node %d holds %d bytes on disk, heap after a full GC %s%n", id,
                        storeBytes(cluster, id), heapAfterGc(cluster.nodes.get(id)));
            }

            // A follower loses its disk. It lost what it acknowledged, so it must not vote as if it had not: it is
            // removed, wiped, started empty and added again, as docs/consensus.md says, and catches up from a checkpoint.
            long follower = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
            NodeProcess wiped = cluster.nodes.get(follower);
            KvClient admin = cluster.client(leader);
            assertThat(admin.delete(URI.create(admin.baseUrl() + "/api/cluster/members/" + follower)).status())
                    .isEqualTo(200);
            wiped.kill();
            deleteTree(wiped.dataDir);
            started = System.nanoTime();
            wiped.environmentPut("CONSENSUS_JOIN", "true");
            cluster.start(wiped);
            ProcessCluster.await("the wiped node's HTTP port", ProcessCluster.START_TIMEOUT,
                    () -> cluster.cluster(follower).isPresent());
            KvClient.Answer added = admin.post("/api/cluster/members",
                    "{\"id\": " + follower + ", \"address\": \"127.0.0.1:" + wiped.raftPort + "\"}");
            assertThat(added.status()).as(added.toString()).isEqualTo(200);
            ProcessCluster.await("the wiped node " + follower + " caught up", Duration.ofMinutes(10),
                    () -> revision(cluster, follower) == revision);
            System.out.printf("large-store: wiped node %d caught up in %d ms; heap after a full GC %s%n", follower,
                    (System.nanoTime() - started) / 1_000_000, heapAfterGc(wiped));
            checkSample(cluster, follower, keys, true);
            assertThat(Files.readString(wiped.logFile)).contains("downloaded the checkpoint");

            // Everyone dies at once and comes back from disk.
            for (NodeProcess node : cluster.nodes.values()) {
                node.kill();
            }
            started = System.nanoTime();
            cluster.startAll();
            ProcessCluster.await("three nodes ready after the restart", ProcessCluster.START_TIMEOUT,
                    () -> cluster.ids().stream().allMatch(id -> cluster.client(id).readiness().ok()));
            for (long id : cluster.ids()) {
                ProcessCluster.await("node " + id + " back at revision " + revision, Duration.ofMinutes(5),
                        () -> revision(cluster, id) >= revision);
            }
            System.out.printf("large-store: all three killed and restarted, serving in %d ms%n",
                    (System.nanoTime() - started) / 1_000_000);
            for (long id : cluster.ids()) {
                checkSample(cluster, id, keys, false);
            }
            assertThat(cluster.client(leader).put("after-restart", "1").ok()).isTrue();
            for (NodeProcess node : cluster.nodes.values()) {
                assertThat(Files.readString(node.logFile)).doesNotContain("OutOfMemoryError");
            }
        }
    }

    private static String value(int key) {
        StringBuilder text = new StringBuilder(VALUE_BYTES).append('"').append(key).append(':');
        Random random = new Random(key);
        while (text.length() < VALUE_BYTES - 1) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.append('"').toString();
    }

    private static URI uri(String base, int key) {
        return URI.create(base + "/api/kv/" + URLEncoder.encode("big/" + key, StandardCharsets.UTF_8));
    }

    private static void write(String base, int keys) throws Exception {
        AtomicLong next = new AtomicLong();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                done.add(writers.submit(() -> {
                    for (int key = (int) next.getAndIncrement(); key < keys; key = (int) next.getAndIncrement()) {
                        HttpRequest request = HttpRequest.newBuilder(uri(base, key)).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(value(key))).build();
                        int status = 0;
                        for (int attempt = 0; attempt < 20 && status != 200; attempt++) {
                            status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status != 200) {
                                Thread.sleep(200); // 503 overloaded: back off as a client would
                            }
                        }
                        assertThat(status).as("PUT big/" + key).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    private static void checkSample(ProcessCluster cluster, long id, int keys, boolean local) {
        Random random = new Random(id);
        for (int i = 0; i < 50; i++) {
            int key = i == 0 ? 0 : i == 1 ? keys - 1 : random.nextInt(keys);
            KvClient.Answer answer = local ? cluster.client(id).getLocal("big/" + key)
                    : cluster.client(id).get("big/" + key);
            assertThat(answer.status()).as("big/" + key + " on node " + id).isEqualTo(200);
            assertThat(answer.body().get("value").asString()).isEqualTo(value(key).substring(1, VALUE_BYTES - 1));
        }
    }

    private static long revision(ProcessCluster cluster, long id) {
        return cluster.cluster(id).map(view -> view.path("revision").asLong()).orElse(-1L);
    }

    private static long storeBytes(ProcessCluster cluster, long id) {
        return cluster.cluster(id).map(view -> view.path("storeBytes").asLong()).orElse(-1L);
    }

    /** The node's heap in use right after a full collection, as jcmd reports it. */
    private static String heapAfterGc(NodeProcess node) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        String jcmd = java.resolveSibling("jcmd").toString();
        run(jcmd, Long.toString(node.pid()), "GC.run");
        String info = run(jcmd, Long.toString(node.pid()), "GC.heap_info");
        Matcher generation = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        long total = 0;
        long used = 0;
        while (generation.find()) {
            total += Long.parseLong(generation.group(1));
            used += Long.parseLong(generation.group(2));
        }
        return total == 0 ? "unknown (" + info.strip() + ")" : (used >> 10) + " MiB used of " + (total >> 10) + " MiB";
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

}
