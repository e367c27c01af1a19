package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.cluster.KvClient.Answer;
import com.distpatterns.consensus.linearizability.CheckResult;
import com.distpatterns.consensus.linearizability.KvInput;
import com.distpatterns.consensus.linearizability.KvModel;
import com.distpatterns.consensus.linearizability.KvOutput;
import com.distpatterns.consensus.linearizability.LinearizabilityChecker;
import com.distpatterns.consensus.linearizability.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Three nodes as separate JVMs on loopback: writes through any node, partitions cut through the test-only fault hook,
 * a concurrent history checked for linearizability, a leader killed with SIGKILL and restarted, a learner added and
 * removed, a disk that fills up. One cluster serves the steps in order, to start as few JVMs as possible.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessTest {

    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

    private ProcessCluster cluster;
    private Path root;

    @BeforeAll
    void startCluster() throws IOException {
        root = Files.createTempDirectory("consensus-cluster-");
        cluster = new ProcessCluster(root, 3, Map.of(
                "CONSENSUS_REQUEST_TIMEOUT", "4s",
                // Small, so a node that was down must catch up from a snapshot.
                "CONSENSUS_SNAPSHOT_EVERY", "100",
                "CONSENSUS_SNAPSHOT_KEEP_ENTRIES", "20"));
        cluster.startAll();
        ProcessCluster.await("three nodes ready", ProcessCluster.START_TIMEOUT, () -> cluster.ids().stream()
                .allMatch(id -> cluster.client(id).readiness().ok()));
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
        System.out.println("node logs under " + root + ":\n" + (cluster == null ? "" : cluster.logs()));
    }

    @Test
    @Order(1)
    void everyNodeServesEveryCall() {
        for (long id : cluster.ids()) {
            Answer put = cluster.client(id).put("greeting-" + id, "{\"from\": " + id + "}");
            assertThat(put.status()).as("PUT through node %d", id).isEqualTo(200);
            assertThat(put.body().get("revision").asLong()).isPositive();
            long other = id % 3 + 1;
            Answer get = cluster.client(other).get("greeting-" + id);
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.body().get("value").get("from").asLong()).isEqualTo(id);
            assertThat(get.body().get("revision").asLong()).isEqualTo(put.body().get("revision").asLong());
        }
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        long follower = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
        KvClient viaFollower = cluster.client(follower);

        Answer swapped = viaFollower.cas("lock", "{\"expected\": null, \"value\": {\"owner\": \"a\"}}");
        assertThat(swapped.body().get("succeeded").asBoolean()).isTrue();
        Answer refused = viaFollower.cas("lock", "{\"expected\": null, \"value\": {\"owner\": \"b\"}}");
        assertThat(refused.body().get("succeeded").asBoolean()).isFalse();
        assertThat(refused.body().get("value").get("owner").asString()).isEqualTo("a");
        // The same JSON value spelt differently still matches.
        Answer respelt = viaFollower.cas("lock",
                "{\"expected\": {  \"owner\" : \"a\" }, \"value\": {\"owner\": \"b\"}}");
        assertThat(respelt.body().get("succeeded").asBoolean()).isTrue();

        Answer deleted = viaFollower.delete("lock");
        assertThat(deleted.body().get("deleted").asBoolean()).isTrue();
        assertThat(cluster.client(leader).get("lock").status()).isEqualTo(404);
        ProcessCluster.await("the delete applied on the follower", Duration.ofSeconds(10),
                () -> viaFollower.getLocal("lock").status() == 404);

        Answer cluster1 = cluster.client(leader).cluster();
        assertThat(cluster1.body().get("role").asString()).isEqualTo("leader");
        assertThat(cluster1.body().get("members")).hasSize(3);
    }

    @Test
    @Order(2)
    void badInputIsAProblemNeverAFailure() {
        KvClient client = cluster.client(1);
        assertProblem(client.put("k", "{not json"), 400);
        assertProblem(client.put("x".repeat(513), "1"), 400);
        assertProblem(client.put("k", "\"" + "v".repeat(1 << 20) + "\""), 413);
        assertProblem(client.cas("k", "{\"expected\": null}"), 400);
        assertProblem(client.cas("k", "[1, 2]"), 400);
        assertProblem(client.put("k", "null"), 400);
        assertProblem(client.post("/api/cluster/members", "{\"id\": 9, \"address\": \"no port\"}"), 400);
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().get("detail").asString()).isNotBlank();
    }

    @Test
    @Order(3)
    void aMinorityCannotCommitWhileTheMajorityCan() {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        List<Long> others = cluster.ids().stream().filter(id -> id != leader).toList();
        cluster.cut(leader, others);
        try {
            Answer minority = cluster.client(leader).put("partitioned", "\"minority\"");
            assertThat(minority.status()).as("a write on the cut-off leader").isEqualTo(503);
            assertThat(minority.retryAfter()).isNotNull();
            assertThat(minority.contentType()).startsWith("application/problem+json");

            Answer majority = cluster.client(others.getFirst()).put("partitioned", "\"majority\"");
            if (majority.status() != 200) { // the majority may still be electing its new leader: one retry
                majority = cluster.client(others.getFirst()).put("partitioned", "\"majority\"");
            }
            assertThat(majority.status()).as("a write on the majority side").isEqualTo(200);
        } finally {
            cluster.healAll();
        }
        cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        ProcessCluster.await("the old leader catches up", Duration.ofSeconds(30),
                () -> "\"majority\"".equals(textOf(cluster.client(leader).get("partitioned"))));
    }

    @Test
    @Order(4)
    void aConcurrentHistoryUnderPartitionsIsLinearizable() throws InterruptedException {
        List<Operation<KvInput, KvOutput>> history = Collections.synchronizedList(new ArrayList<>());
        long origin = System.nanoTime();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            int clientId = c;
            KvClient client = cluster.client(cluster.ids().get(c % 3));
            clients.add(Thread.ofPlatform().start(() -> runClient(clientId, client, history, origin, running)));
        }
        Random random = new Random(42);
        long end = System.nanoTime() + Duration.ofSeconds(16).toNanos();
        while (System.nanoTime() < end) {
            long victim = cluster.ids().get(random.nextInt(3));
            cluster.cut(victim, cluster.ids().stream().filter(id -> id != victim).toList());
            Thread.sleep(2500);
            cluster.healAll();
            Thread.sleep(1500);
        }
        running.set(false);
        for (Thread client : clients) {
            client.join();
        }
        long written = history.stream().filter(op -> op.output() instanceof KvOutput.Written).count();
        long read = history.stream().filter(op -> op.output() instanceof KvOutput.Read).count();
        assertThat(written).as("acknowledged writes").isGreaterThan(20);
        assertThat(read).as("answered reads").isGreaterThan(20);
        CheckResult result = LinearizabilityChecker.check(new KvModel(), history, Duration.ofSeconds(60));
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }

    private static void runClient(int clientId, KvClient client, List<Operation<KvInput, KvOutput>> history,
            long origin,
            AtomicBoolean running) {
        Random random = new Random(clientId);
        String[] keys = {"a", "b", "c"};
        String lastSeen = null;
        int n = 0;
        while (running.get()) {
            String key = keys[random.nextInt(keys.length)];
            int dice = random.nextInt(100);
            long call = System.nanoTime() - origin;
            if (dice < 40) {
                Answer answer = client.get(key);
                long ret = System.nanoTime() - origin;
                if (answer.status() == 200) {
                    lastSeen = answer.body().get("value").asString();
                    history.add(new Operation<>(clientId, new KvInput.Get(key),
                            new KvOutput.Read(lastSeen, answer.body().get("revision").asLong()), call, ret));
                } else if (answer.status() == 404) {
                    history.add(new Operation<>(clientId, new KvInput.Get(key), new KvOutput.Read(null, 0), call, ret));
                }
                // a failed read changed nothing: it is left out
            } else if (dice < 75) {
                String value = "c" + clientId + "-" + n++;
                KvInput input = new KvInput.Put(key, value);
                Answer answer = client.put(key, "\"" + value + "\"");
                long ret = System.nanoTime() - origin;
                if (answer.status() == 200) {
                    history.add(new Operation<>(clientId, input,
                            new KvOutput.Written(answer.body().get("revision").asLong()), call, ret));
                } else {
                    history.add(Operation.unknown(clientId, input, call)); // may have been applied
                }
            } else {
                String value = "c" + clientId + "-" + n++;
                KvInput input = new KvInput.Cas(key, lastSeen, value);
                String expected = lastSeen == null ? "null" : "\"" + lastSeen + "\"";
                Answer answer = client.cas(key, "{\"expected\": " + expected + ", \"value\": \"" + value + "\"}");
                long ret = System.nanoTime() - origin;
                if (answer.status() == 200) {
                    JsonNode current = answer.body().get("value");
                    history.add(new Operation<>(clientId, input,
                            new KvOutput.Swapped(answer.body().get("succeeded").asBoolean(),
                                    current.isNull() ? null : current.asString(),
                                    answer.body().get("revision").asLong()),
                            call, ret));
                } else {
                    history.add(Operation.unknown(clientId, input, call));
                }
            }
        }
    }

    @Test
    @Order(5)
    void aKilledLeaderIsReplacedAndCatchesUpWithEveryAcknowledgedWrite() throws Exception {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        List<Long> others = cluster.ids().stream().filter(id -> id != leader).toList();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            if (cluster.client(leader).put("before-" + i, Integer.toString(i)).ok()) {
                acknowledged.add("before-" + i);
            }
        }
        assertThat(acknowledged).hasSize(30);

        cluster.nodes.get(leader).kill();
        long successor = cluster.awaitLeader(others, LEADER_TIMEOUT);
        assertThat(successor).isNotEqualTo(leader);

        // Enough writes that the survivors snapshot and compact past what the dead node has.
        for (int i = 0; i < 250; i++) {
            Answer answer = cluster.client(others.get(i % 2)).put("after-" + i, Integer.toString(i));
            assertThat(answer.status()).as("write %d while node %d is down", i, leader).isEqualTo(200);
        }

        cluster.start(cluster.nodes.get(leader));
        KvClient restarted = cluster.client(leader);
        ProcessCluster.await("the restarted node serves again", ProcessCluster.START_TIMEOUT,
                () -> restarted.readiness().ok());
        ProcessCluster.await("the restarted node caught up", Duration.ofSeconds(60),
                () -> "249".equals(textOf(restarted.getLocal("after-249"))));
        for (String key : acknowledged) {
            assertThat(restarted.getLocal(key).status()).as("acknowledged %s after SIGKILL", key).isEqualTo(200);
        }
        assertThat(Files.readString(cluster.nodes.get(leader).logFile)).contains("restored the snapshot");
    }

    @Test
    @Order(6)
    void aServerIsAddedAsALearnerPromotedAndRemoved() throws Exception {
        NodeProcess joiner = cluster.joiner(4);
        KvClient client = cluster.client(1);
        ProcessCluster.await("the joiner's HTTP port", ProcessCluster.START_TIMEOUT,
                () -> cluster.client(4).cluster().ok());
        Answer added = client.post("/api/cluster/members",
                "{\"id\": 4, \"address\": \"127.0.0.1:" + joiner.raftPort + "\"}");
        assertThat(added.status()).as(String.valueOf(added.body())).isEqualTo(200);
        ProcessCluster.await("node 4 promoted to voter", Duration.ofSeconds(60), () -> cluster.cluster(1)
                .map(view -> isVoter(view, 4)).orElse(false));
        ProcessCluster.await("node 4 has the data", Duration.ofSeconds(30),
                () -> "249".equals(textOf(cluster.client(4).getLocal("after-249"))));
        assertThat(cluster.client(4).put("from-the-new-member", "true").status()).isEqualTo(200);

        Answer again = client.post("/api/cluster/members",
                "{\"id\": 4, \"address\": \"127.0.0.1:" + joiner.raftPort + "\"}");
        assertThat(again.status()).isEqualTo(409);

        Answer removed = client.delete(java.net.URI.create(client.baseUrl() + "/api/cluster/members/4"));
        assertThat(removed.status()).isEqualTo(200);
        ProcessCluster.await("node 4 gone from the membership", Duration.ofSeconds(20), () -> cluster.cluster(1)
                .map(view -> view.get("members").size() == 3).orElse(false));
        joiner.kill();
        cluster.nodes.remove(4L);
        cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
    }

    @Test
    @Order(7)
    void aFullDiskStopsTheNodeAcknowledgingAndTheOthersGoOn() {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        long victim = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
        KvClient client = cluster.client(victim);
        assertThat(client.post("/test/faults", "{\"diskFull\": true}").status()).isEqualTo(200);
        Answer refused = client.put("after-disk-full", "1");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.retryAfter()).isNotNull();
        ProcessCluster.await("the node reports itself not ready", Duration.ofSeconds(20),
                () -> client.readiness().status() == 503);
        assertThat(client.put("after-disk-full", "2").body().get("type").asString())
                .isEqualTo("/problems/storage-failed");
        assertThat(cluster.client(leader).put("after-disk-full", "3").status()).isEqualTo(200);
    }

    private static String textOf(Answer answer) {
        return answer.status() == 200 ? answer.body().get("value").toString() : null;
    }

    private static boolean isVoter(JsonNode view, long id) {
        for (JsonNode member : view.get("members")) {
            if (member.get("id").asLong() == id) {
                return member.get("voter").asBoolean();
            }
        }
        return false;
    }
}
