package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.cluster.KvClient.Answer;
import com.distpatterns.consensus.linearizability.CheckResult;
import com.distpatterns.consensus.linearizability.LinearizabilityChecker;
import com.distpatterns.consensus.linearizability.Operation;
import com.distpatterns.consensus.linearizability.PairModel;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * etcd's data model on three real JVMs: revisions and key fields, ranges with pagination at fixed revisions,
 * conditional writes, transactions and compaction; every bad input a 4xx problem; transactions atomic on every
 * node and at every revision while the leader is killed with SIGKILL, and the history linearizable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MvccProcessTest {

    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

    private ProcessCluster cluster;
    private Path root;

    @BeforeAll
    void startCluster() throws IOException {
        root = Files.createTempDirectory("consensus-mvcc-");
        cluster = new ProcessCluster(root, 3, Map.of(
                "CONSENSUS_REQUEST_TIMEOUT", "4s",
                // Small, so a restarted node catches up from a streamed checkpoint.
                "CONSENSUS_SNAPSHOT_EVERY", "200",
                "CONSENSUS_SNAPSHOT_KEEP_ENTRIES", "20",
                // The leader compacts by itself once the transactions below have written enough.
                "CONSENSUS_AUTO_COMPACTION_RETAIN_REVISIONS", "150"));
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

    private static String kv(String key) {
        return "/api/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void revisionsRangesConditionsTransactionsAndCompaction() {
        KvClient client = cluster.client(cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT));
        KvClient follower = cluster
                .client(cluster.ids().stream().filter(id -> !cluster.client(id).baseUrl().equals(client.baseUrl()))
                        .findFirst().orElseThrow());

        Answer first = client.put("app/b", "{\"n\": 1}");
        assertThat(first.status()).isEqualTo(200);
        long r1 = first.body().get("modRevision").asLong();
        assertThat(first.body().get("revision").asLong()).isEqualTo(r1);
        assertThat(first.body().get("createRevision").asLong()).isEqualTo(r1);
        assertThat(first.body().get("version").asLong()).isEqualTo(1);
        assertThat(first.body().get("header").get("revision").asLong()).isEqualTo(r1);
        assertThat(first.body().get("header").get("raftTerm").asLong()).isPositive();

        Answer second = follower.put("app/b", "{\"n\": 2}");
        assertThat(second.body().get("modRevision").asLong()).isEqualTo(r1 + 1);
        assertThat(second.body().get("createRevision").asLong()).isEqualTo(r1);
        assertThat(second.body().get("version").asLong()).isEqualTo(2);
        assertThat(client.put("app/a", "\"x\"").status()).isEqualTo(200);
        assertThat(client.put("app/c", "[1]").status()).isEqualTo(200);
        assertThat(client.put("other", "0").status()).isEqualTo(200);

        Answer past = follower.call("GET", kv("app/b") + "?revision=" + r1, null);
        assertThat(past.body().get("value").get("n").asInt()).isEqualTo(1);
        assertThat(past.body().get("header").get("revision").asLong()).isEqualTo(r1);

        // Pages of two by prefix, walked with the cursor.
        Answer page1 = follower.call("GET", "/api/kv?prefix=app/&limit=2", null);
        assertThat(keys(page1)).containsExactly("app/a", "app/b");
        assertThat(page1.body().get("count").asLong()).isEqualTo(3);
        assertThat(page1.body().get("more").asBoolean()).isTrue();
        Answer page2 = follower.call("GET", "/api/kv?prefix=app/&limit=2&cursor=" + page1.body().get("next").asString(),
                null);
        assertThat(keys(page2)).containsExactly("app/c");
        assertThat(page2.body().get("more").asBoolean()).isFalse();
        assertThat(page2.body().get("next").isNull()).isTrue();
        assertThat(keys(client.call("GET", "/api/kv?from=app/b&to=other", null))).containsExactly("app/b", "app/c");
        Answer keysOnly = client.call("GET", "/api/kv?prefix=app/&keysOnly=true", null);
        assertThat(keysOnly.body().get("kvs").get(0).has("value")).isFalse();
        Answer countOnly = client.call("GET", "/api/kv?prefix=app/&countOnly=true", null);
        assertThat(countOnly.body().has("kvs")).isFalse();
        assertThat(countOnly.body().get("count").asLong()).isEqualTo(3);
        assertThat(keys(client.call("GET", "/api/kv?prefix=app/&revision=" + r1, null))).containsExactly("app/b");

        // Optimistic concurrency.
        long bRevision = second.body().get("modRevision").asLong();
        Answer stale = follower.call("PUT", kv("app/b") + "?ifModRevision=" + r1, "3");
        assertProblem(stale, 412);
        assertThat(stale.body().get("current").get("modRevision").asLong()).isEqualTo(bRevision);
        Answer fresh = follower.call("PUT", kv("app/b") + "?ifModRevision=" + bRevision, "3");
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.body().get("version").asLong()).isEqualTo(3);
        assertThat(client.call("PUT", kv("app/new") + "?ifModRevision=0", "1").status()).isEqualTo(200);
        assertProblem(client.call("PUT", kv("app/new") + "?ifModRevision=0", "1"), 412);
        assertProblem(client.call("DELETE", kv("app/new") + "?ifModRevision=1", null), 412);
        Answer deleted = client.call("DELETE", kv("app/new") + "?ifModRevision="
                + client.get("app/new").body().get("modRevision").asLong(), null);
        assertThat(deleted.body().get("deleted").asBoolean()).isTrue();

        // A transaction: both puts at one revision, or the failure branch.
        String txn = "{\"compare\":[{\"key\":\"app/a\",\"target\":\"value\",\"op\":\"=\",\"value\":\"x\"},"
                + "{\"key\":\"app/z\",\"target\":\"version\",\"op\":\"=\",\"value\":0}],"
                + "\"success\":[{\"put\":{\"key\":\"app/a\",\"value\":\"y\"}},{\"put\":{\"key\":\"app/z\",\"value\":{\"k\":1}}},"
                + "{\"range\":{\"prefix\":\"app/\",\"limit\":10}}],\"failure\":[{\"get\":{\"key\":\"app/a\"}}]}";
        Answer done = follower.call("POST", "/api/txn", txn);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body().get("succeeded").asBoolean()).isTrue();
        long txnRevision = done.body().get("header").get("revision").asLong();
        assertThat(done.body().get("results").get(0).get("put").get("kv").get("modRevision").asLong())
                .isEqualTo(txnRevision);
        assertThat(done.body().get("results").get(1).get("put").get("kv").get("modRevision").asLong())
                .isEqualTo(txnRevision);
        assertThat(done.body().get("results").get(2).get("range").get("count").asLong()).isEqualTo(4);
        Answer again = client.call("POST", "/api/txn", txn);
        assertThat(again.body().get("succeeded").asBoolean()).isFalse();
        assertThat(again.body().get("results").get(0).get("get").get("kv").get("value").asString()).isEqualTo("y");
        Answer wipe = client.call("POST", "/api/txn", "{\"success\":[{\"deletePrefix\":{\"prefix\":\"app/\"}}]}");
        assertThat(wipe.body().get("results").get(0).get("delete").get("deleted").asLong()).isEqualTo(4);
        assertThat(client.call("GET", "/api/kv?prefix=app/", null).body().get("count").asLong()).isZero();

        // Compaction: reads before it answer 410 with the compacted revision; after it, as before.
        Answer compacted = client.call("POST", "/api/kv/compact", "{\"revision\":" + txnRevision + "}");
        assertThat(compacted.status()).isEqualTo(200);
        ProcessCluster.await("the compaction applied on the follower", Duration.ofSeconds(10),
                () -> follower.call("GET", kv("app/a") + "?consistency=local&revision=" + r1, null).status() == 410);
        Answer gone = follower.call("GET", "/api/kv?prefix=app/&revision=" + r1, null);
        assertProblem(gone, 410);
        assertThat(gone.body().get("compactedRevision").asLong()).isEqualTo(txnRevision);
        assertThat(keys(follower.call("GET", "/api/kv?prefix=app/&revision=" + txnRevision, null)))
                .containsExactly("app/a", "app/b", "app/c", "app/z");
        assertProblem(client.call("POST", "/api/kv/compact", "{\"revision\":" + txnRevision + "}"), 410);
        assertProblem(client.call("POST", "/api/kv/compact", "{\"revision\":" + (txnRevision + 1000) + "}"), 400);
    }

    @Test
    @Order(2)
    void everyBadInputIsAProblem() {
        KvClient client = cluster.client(1);
        assertProblem(client.call("GET", kv("absent-key"), null), 404);
        for (String query : List.of("limit=0", "limit=1001", "limit=x", "prefix=a&from=b", "cursor=%%%",
                "prefix=a&cursor=Yg",
                "revision=abc", "revision=0", "revision=999999999", "keysOnly=maybe", "consistency=eventual")) {
            assertProblem(client.call("GET", "/api/kv?" + query.replace("%%%", "%21%21"), null), 400);
        }
        assertProblem(client.call("PUT", kv("k") + "?ifModRevision=-1", "1"), 400);
        assertProblem(client.call("DELETE", kv("k") + "?ifModRevision=x", null), 400);
        String[] txns = {
                "[]", "{\"compare\":{}}", "{\"extra\":[]}", "{\"success\":[{\"nope\":{}}]}",
                "{\"success\":[{\"put\":{\"key\":\"a\"}}]}",
                "{\"success\":[{\"put\":{\"key\":\"a\",\"value\":null}}]}",
                "{\"success\":[{\"put\":{\"key\":\"a\",\"value\":1}},{\"delete\":{\"key\":\"a\"}}]}",
                "{\"success\":[{\"deletePrefix\":{\"prefix\":\"a\"}},{\"put\":{\"key\":\"ab\",\"value\":1}}]}",
                "{\"compare\":[{\"key\":\"a\",\"target\":\"size\",\"op\":\"=\",\"value\":1}]}",
                "{\"compare\":[{\"key\":\"a\",\"target\":\"version\",\"op\":\"~\",\"value\":1}]}",
                "{\"compare\":[{\"key\":\"a\",\"target\":\"version\",\"op\":\"=\",\"value\":\"one\"}]}",
                "{\"compare\":[{\"key\":\"a\",\"target\":\"version\",\"op\":\"=\"}]}",
                "{\"success\":[{\"range\":{\"prefix\":\"a\",\"limit\":5000}}]}",
                "{\"success\":[{\"get\":{\"key\":\"" + "k".repeat(513) + "\"}}]}",
                "{\"success\":" + "[" + String.join(",", Collections.nCopies(129, "{\"get\":{\"key\":\"a\"}}")) + "]}",
                "{\"compare\":" + "[" + String.join(",", Collections.nCopies(65,
                        "{\"key\":\"a\",\"target\":\"version\",\"op\":\"=\",\"value\":0}")) + "]}",
                "not json"};
        for (String body : txns) {
            assertProblem(client.call("POST", "/api/txn", body), 400);
        }
        assertProblem(client.call("POST", "/api/txn", "{\"success\":[{\"put\":{\"key\":\"a\",\"value\":\""
                + "v".repeat(1 << 20) + "\"}}]}"), 413);
        for (String body : List.of("{}", "{\"revision\":0}", "{\"revision\":\"5\"}", "[]", "")) {
            assertProblem(client.call("POST", "/api/kv/compact", body), 400);
        }
    }

    @Test
    @Order(3)
    void aPaginatedWalkAtAFixedRevisionSeesOneSnapshotWhileWritesGoOn() throws Exception {
        KvClient client = cluster.client(2);
        for (int i = 0; i < 40; i++) {
            assertThat(client.put(String.format("walk/%03d", i), Integer.toString(i)).status()).isEqualTo(200);
        }
        long at = client.call("GET", "/api/kv?prefix=walk/&countOnly=true", null).body().get("header").get("revision")
                .asLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().start(() -> {
            // At most 120 writes: the leader compacts what is 150 revisions old, and this walk reads an older one.
            for (int i = 0; writing.get() && i < 100; i++) {
                cluster.client(1).put(String.format("walk/%03d", (i * 7) % 60), Integer.toString(1000 + i));
                if (i % 5 == 0) {
                    cluster.client(1).delete(String.format("walk/%03d", (i * 3) % 40));
                }
            }
        });
        List<String> walked = new ArrayList<>();
        String cursor = null;
        do {
            Answer page = client.call("GET", "/api/kv?prefix=walk/&limit=3&revision=" + at
                    + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body().get("count").asLong()).isEqualTo(40);
            for (JsonNode kv : page.body().get("kvs")) {
                walked.add(kv.get("key").asString() + "=" + kv.get("value").asInt());
            }
            cursor = page.body().get("more").asBoolean() ? page.body().get("next").asString() : null;
            Thread.sleep(20);
        } while (cursor != null);
        writing.set(false);
        writer.join();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add(String.format("walk/%03d", i) + "=" + i);
        }
        assertThat(walked).isEqualTo(expected);
        assertThat(cluster.client(3).call("GET", "/api/kv?prefix=walk/&revision=" + at + "&limit=1000", null).body()
                .get("kvs").size()).isEqualTo(40);
    }

    @Test
    @Order(4)
    void transactionsStayAtomicAndLinearizableWhileTheLeaderIsKilled() throws Exception {
        List<Operation<PairModel.Input, PairModel.Output>> history = Collections.synchronizedList(new ArrayList<>());
        List<String> torn = Collections.synchronizedList(new ArrayList<>());
        AtomicLong pairReads = new AtomicLong();
        long origin = System.nanoTime();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            int clientId = c;
            long nodeId = cluster.ids().get(c % 3);
            threads.add(Thread.ofPlatform().start(() -> runPairClient(clientId, nodeId, history, origin, running)));
        }
        for (int c = 0; c < 3; c++) {
            long nodeId = cluster.ids().get(c);
            threads.add(Thread.ofPlatform().start(() -> checkAtomicity(nodeId, torn, pairReads, running)));
        }
        Thread.sleep(4000);
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        NodeProcess killed = cluster.nodes.get(leader);
        killed.kill();
        Thread.sleep(6000);
        cluster.start(killed);
        Thread.sleep(6000);
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(torn).as("reads that saw half a transaction").isEmpty();
        assertThat(pairReads.get()).as("atomicity reads").isGreaterThan(30);
        long written = history.stream().filter(op -> op.output() instanceof PairModel.Written).count();
        assertThat(written).as("acknowledged conditional writes and transactions").isGreaterThan(10);
        CheckResult result = LinearizabilityChecker.check(new PairModel(), new ArrayList<>(history),
                Duration.ofSeconds(60));
        System.out.println(
                "transactions history: " + history.size() + " operations, " + written + " acknowledged writes, "
                        + pairReads.get() + " atomicity reads: " + result.verdict());
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);

        // The restarted leader caught up from a checkpoint: every node answers the same ranges at the same revisions.
        ProcessCluster.await("the killed node serving again", ProcessCluster.START_TIMEOUT,
                () -> cluster.client(leader).readiness().ok());
        cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        long now = cluster.client(1).call("GET", "/api/kv?prefix=&countOnly=true", null).body().get("header")
                .get("revision").asLong();
        for (long id : cluster.ids()) {
            ProcessCluster.await("node " + id + " at revision " + now, Duration.ofSeconds(60), () -> cluster.cluster(id)
                    .map(view -> view.get("revision").asLong() >= now).orElse(false));
        }
        for (long at : List.of(now, now / 2, Math.max(1, now - 5))) {
            List<String> views = new ArrayList<>();
            for (long id : cluster.ids()) {
                Answer range = cluster.client(id).call("GET",
                        "/api/kv?prefix=&limit=1000&consistency=local&revision=" + at, null);
                if (range.status() == 410) {
                    continue; // compacted on every node alike by step 1, below its revision
                }
                assertThat(range.status()).as(range.toString()).isEqualTo(200);
                ((tools.jackson.databind.node.ObjectNode) range.body()).remove("header");
                views.add(range.body().toString());
            }
            assertThat(views).as("ranges at revision " + at).allMatch(view -> view.equals(views.getFirst()));
        }
        long compacted = cluster.cluster(1).orElseThrow().get("compactedRevision").asLong();
        System.out.println("automatic compaction: revision " + now + ", compacted to " + compacted);
        for (long id : cluster.ids()) {
            ProcessCluster.await("node " + id + " compacted by the leader, keeping about 150 revisions",
                    Duration.ofSeconds(30),
                    () -> cluster.cluster(id).map(view -> view.get("compactedRevision").asLong() >= now - 150 - 15)
                            .orElse(false));
        }
    }

    @Test
    @Order(5)
    void anErrorInTheDriverEndsTheProcess() throws Exception {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        long victim = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
        NodeProcess node = cluster.nodes.get(victim);
        assertThat(cluster.client(victim).post("/test/faults", "{\"outOfMemory\": true}").ok()).isTrue();
        cluster.client(leader).put("after-the-error", "1"); // the victim's next log write runs out of memory
        ProcessCluster.await("node " + victim + " to end", Duration.ofSeconds(30), () -> !node.isAlive());
        assertThat(node.exitStatus()).isEqualTo(70);
        assertThat(Files.readString(node.logFile)).contains("the Raft driver died of java.lang.OutOfMemoryError");
        assertThat(cluster.client(leader).put("still-serving", "1").ok()).as("the other two go on").isTrue();
    }

    private static final String PAIR_TXN = "{\"compare\":[{\"key\":\"t/x\",\"target\":\"modRevision\",\"op\":\"=\",\"value\":%d}],"
            + "\"success\":[{\"put\":{\"key\":\"t/x\",\"value\":\"%s\"}},{\"put\":{\"key\":\"t/y\",\"value\":\"%s\"}}],"
            + "\"failure\":[{\"get\":{\"key\":\"t/x\"}}]}";

    private void runPairClient(int clientId, long nodeId, List<Operation<PairModel.Input, PairModel.Output>> history,
            long origin, AtomicBoolean running) {
        Random random = new Random(clientId);
        long xRevision = 0;
        long yRevision = 0;
        for (int n = 0; running.get(); n++) {
            KvClient client = cluster.client(nodeId);
            String value = "c" + clientId + "-" + n;
            int kind = random.nextInt(3);
            long call = System.nanoTime() - origin;
            PairModel.Input input;
            PairModel.Output output = null;
            if (kind == 0) {
                input = new PairModel.Txn(xRevision, value);
                Answer answer = client.call("POST", "/api/txn", String.format(PAIR_TXN, xRevision, value, value));
                if (answer.ok()) {
                    JsonNode body = answer.body();
                    if (body.get("succeeded").asBoolean()) {
                        xRevision = body.get("header").get("revision").asLong();
                        output = new PairModel.Written(xRevision);
                    } else {
                        PairModel.Key current = key(body.get("results").get(0).get("get").get("kv"));
                        xRevision = current.revision();
                        output = new PairModel.Refused(current);
                    }
                }
            } else if (kind == 1) {
                input = new PairModel.ConditionalPutY(yRevision, value);
                Answer answer = client.call("PUT", kv("t/y") + "?ifModRevision=" + yRevision, "\"" + value + "\"");
                if (answer.ok()) {
                    yRevision = answer.body().get("modRevision").asLong();
                    output = new PairModel.Written(yRevision);
                } else if (answer.status() == 412) {
                    PairModel.Key current = key(answer.body().get("current"));
                    yRevision = current.revision();
                    output = new PairModel.Refused(current);
                }
            } else {
                input = new PairModel.Read();
                Answer answer = client.call("GET", "/api/kv?prefix=t/", null);
                if (answer.ok()) {
                    PairModel.Key x = new PairModel.Key(null, 0);
                    PairModel.Key y = new PairModel.Key(null, 0);
                    for (JsonNode kv : answer.body().get("kvs")) {
                        if (kv.get("key").asString().equals("t/x")) {
                            x = key(kv);
                        } else if (kv.get("key").asString().equals("t/y")) {
                            y = key(kv);
                        }
                    }
                    xRevision = x.revision();
                    yRevision = y.revision();
                    output = new PairModel.Seen(x, y);
                }
            }
            long ret = System.nanoTime() - origin;
            // A write whose answer was lost may have happened or not, at any time after its call.
            boolean unknownWrite = output == null && !(input instanceof PairModel.Read);
            if (output != null) {
                history.add(new Operation<>(clientId, input, output, call, ret));
            } else if (unknownWrite) {
                history.add(Operation.unknown(clientId, input, call));
            }
            if (output == null) {
                sleep(100);
            }
        }
    }

    private static PairModel.Key key(JsonNode kv) {
        return kv == null || kv.isNull() ? new PairModel.Key(null, 0)
                : new PairModel.Key(kv.get("value").asString(), kv.get("modRevision").asLong());
    }

    /** Transactions write u/x and u/y together: no read, on any node, at any revision, may see one without the other. */
    private void checkAtomicity(long nodeId, List<String> torn, AtomicLong reads, AtomicBoolean running) {
        Random random = new Random(nodeId);
        long revision = 0;
        for (int n = 0; running.get(); n++) {
            KvClient client = cluster.client(nodeId);
            if (nodeId == 1 + (n % 3)) {
                client.call("POST", "/api/txn", "{\"success\":[{\"put\":{\"key\":\"u/x\",\"value\":" + n + "}},"
                        + "{\"put\":{\"key\":\"u/y\",\"value\":" + n + "}}]}");
            }
            String at = revision > 0 && random.nextBoolean() ? "&revision=" + (1 + random.nextLong(revision)) : "";
            Answer answer = client.call("GET", "/api/kv?prefix=u/&consistency=local" + at, null);
            if (answer.ok()) {
                reads.incrementAndGet();
                revision = answer.body().get("header").get("revision").asLong();
                JsonNode kvs = answer.body().get("kvs");
                boolean whole = kvs.size() == 0
                        || (kvs.size() == 2 && kvs.get(0).get("value").equals(kvs.get(1).get("value"))
                                && kvs.get(0).get("modRevision").asLong() == kvs.get(1).get("modRevision").asLong());
                if (!whole) {
                    torn.add("node " + nodeId + at + ": " + kvs);
                }
            } else if (answer.status() != 410) {
                sleep(100);
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

    private static List<String> keys(Answer answer) {
        assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        answer.body().get("kvs").forEach(kv -> keys.add(kv.get("key").asString()));
        return keys;
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().get("detail").asString()).isNotBlank();
    }
}
