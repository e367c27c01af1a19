package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.cluster.KvClient.Answer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Leases on three real JVMs: a lease without keepalives expires and its keys go at one revision; kept alive, it lives
 * through the leader's kill -9, through a leader frozen (SIGSTOP) shorter and longer than an election timeout (cut
 * off from the others as it freezes, healed 1.5 s after the thaw), and
 * through a restart of every node. Elections take 6 to 12 s here, so a freeze can outlast a 5 s TTL without one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaseProcessTest {

    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(60);
    private static final int TTL = 5;

    private ProcessCluster cluster;
    private Path root;

    @BeforeAll
    void startCluster() throws IOException {
        root = Files.createTempDirectory("consensus-lease-");
        cluster = new ProcessCluster(root, 3, Map.of("CONSENSUS_REQUEST_TIMEOUT", "4s",
                "CONSENSUS_ELECTION_TICKS", "60", "CONSENSUS_HEARTBEAT_TICKS", "2"));
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

    @Test
    @Order(1)
    void aLeaseWithoutKeepalivesExpiresAndItsKeysGoAtOneRevision() {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        KvClient follower = cluster.client(other(leader, cluster.ids()));
        KvClient client = cluster.client(leader);

        assertThat(follower.post("/api/leases", "{\"ttlSeconds\": 4}").status()).isEqualTo(400);
        assertThat(follower.post("/api/leases", "{\"ttlSeconds\": 3601}").status()).isEqualTo(400);
        assertThat(follower.post("/api/leases", "{}").status()).isEqualTo(400);
        Answer missing = follower.call("PUT", kv("exp/x") + "?lease=999999", "1");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.body().get("lease").asLong()).isEqualTo(999999);
        assertThat(follower.get("exp/x").status()).as("nothing written").isEqualTo(404);
        assertThat(follower.post("/api/leases/999999/keepalive", "").status()).isEqualTo(404);
        assertThat(follower.call("GET", "/api/leases/999999", null).status()).isEqualTo(404);
        assertThat(follower.call("DELETE", "/api/leases/999999", null).status()).isEqualTo(404);

        long lease = grant(follower, TTL);
        assertThat(follower.call("PUT", kv("exp/a") + "?lease=" + lease, "1").status()).isEqualTo(200);
        Answer txn = client.post("/api/txn",
                "{\"compare\":[],\"success\":[{\"put\":{\"key\":\"exp/b\",\"value\":2,\"lease\":"
                        + lease + "}}],\"failure\":[]}");
        assertThat(txn.status()).isEqualTo(200);
        Answer plain = client.put("exp/c", "3");
        long before = plain.body().get("modRevision").asLong();
        assertThat(follower.get("exp/a").body().get("lease").asLong()).isEqualTo(lease);
        assertThat(follower.get("exp/c").body().has("lease")).as("no lease, no field").isFalse();
        Answer shown = follower.call("GET", "/api/leases/" + lease, null);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body().get("ttlSeconds").asLong()).isEqualTo(TTL);
        assertThat(shown.body().get("remainingSeconds").asLong()).isBetween(0L, (long) TTL);
        assertThat(shown.body().get("keys").values()).extracting(n -> n.asString()).containsExactly("exp/a", "exp/b");

        ProcessCluster.await("the lease to expire", Duration.ofSeconds(TTL + 20),
                () -> client.get("exp/a").status() == 404);
        assertThat(client.get("exp/b").status()).isEqualTo(404);
        long revoked = before + 1;
        assertThat(at(client, "exp/a", before)).isEqualTo(200);
        assertThat(at(client, "exp/b", before)).isEqualTo(200);
        assertThat(at(client, "exp/a", revoked)).as("both keys deleted at the one revision after").isEqualTo(404);
        assertThat(at(client, "exp/b", revoked)).isEqualTo(404);
        assertThat(client.get("exp/c").status()).isEqualTo(200);
        assertThat(follower.post("/api/leases/" + lease + "/keepalive", "").status()).as("404 once expired")
                .isEqualTo(404);
        assertThat(follower.call("PUT", kv("exp/d") + "?lease=" + lease, "1").status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void aRevokeDeletesTheKeysAtOneRevision() {
        KvClient client = cluster.client(other(cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT), cluster.ids()));
        long lease = grant(client, 60);
        client.call("PUT", kv("rev/a") + "?lease=" + lease, "1");
        long before = client.call("PUT", kv("rev/b") + "?lease=" + lease, "2").body().get("modRevision").asLong();
        Answer revoke = client.call("DELETE", "/api/leases/" + lease, null);
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(revoke.body().get("revision").asLong()).isEqualTo(before + 1);
        assertThat(at(client, "rev/a", before + 1)).isEqualTo(404);
        assertThat(at(client, "rev/b", before + 1)).isEqualTo(404);
        assertThat(at(client, "rev/a", before)).isEqualTo(200);
        assertThat(client.call("DELETE", "/api/leases/" + lease, null).status()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void aKeptAliveLeaseLivesThroughTheLeadersKill() throws Exception {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        long lease = grant(cluster.client(other(leader, cluster.ids())), TTL);
        assertThat(cluster.client(leader).call("PUT", kv("kill/a") + "?lease=" + lease, "1").status()).isEqualTo(200);
        List<Long> others = cluster.ids().stream().filter(id -> id != leader).toList();
        try (KeepAlive keepAlive = new KeepAlive(lease, cluster.ids())) {
            Thread.sleep((TTL + 3) * 1000L); // longer than a TTL: only keepalives keep it
            assertThat(keepAlive.notFound).as("keepalives answered 404").isEmpty();
        }
        // The last keepalive went to the old leader; none waits anywhere while the new one takes office, which
        // must give the lease a fresh TTL rather than the deadline it could only guess.
        cluster.nodes.get(leader).kill();
        cluster.awaitLeader(others, LEADER_TIMEOUT);
        Answer renewed = cluster.client(others.getFirst()).post("/api/leases/" + lease + "/keepalive", "");
        assertThat(renewed.status()).as("the new leader kept the lease: " + renewed).isEqualTo(200);
        try (KeepAlive keepAlive = new KeepAlive(lease, others)) {
            Thread.sleep(2L * TTL * 1000);
            assertThat(keepAlive.notFound).as("keepalives answered 404").isEmpty();
        }
        assertThat(cluster.client(others.getFirst()).get("kill/a").status()).isEqualTo(200);
        cluster.start(cluster.nodes.get(leader));
        ProcessCluster.await("the killed node back", ProcessCluster.START_TIMEOUT,
                () -> cluster.client(leader).readiness().ok());
    }

    @Test
    @Order(4)
    void aLeaderFrozenShorterThanAnElectionTimeoutRevokesNothingAfterwards() throws Exception {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        List<Long> others = cluster.ids().stream().filter(id -> id != leader).toList();
        long lease = grant(cluster.client(others.getFirst()), TTL);
        cluster.client(others.getFirst()).call("PUT", kv("pause/a") + "?lease=" + lease, "1");
        // The holder talks to the leader itself: its keepalive waits in the frozen process, as etcd #15247's did.
        try (KeepAlive keepAlive = new KeepAlive(lease, List.of(leader))) {
            Thread.sleep(2000);
            signal("STOP", leader);
            Thread.sleep(TTL * 1000L + 500); // past the TTL, short of an election (6 s at least)
            signal("CONT", leader);
            Thread.sleep(3L * TTL * 1000);
            assertThat(keepAlive.notFound).isEmpty();
        }
        assertThat(cluster.client(leader).get("pause/a").status()).as("still there after the thaw").isEqualTo(200);
    }

    @Test
    @Order(5)
    void aLeaderFrozenPastAnElectionTimeoutRevokesNothingWhenThawed() throws Exception {
        long leader = cluster.awaitLeader(cluster.ids(), LEADER_TIMEOUT);
        List<Long> others = cluster.ids().stream().filter(id -> id != leader).toList();
        long lease = grant(cluster.client(others.getFirst()), TTL);
        cluster.client(others.getFirst()).call("PUT", kv("freeze/a") + "?lease=" + lease, "1");
        try (KeepAlive keepAlive = new KeepAlive(lease, others)) {
            Thread.sleep(2000);
            // Cut off as it freezes: thawed, it hears nothing of the new term and still thinks it leads; healed
            // 1.5 s later, it learns of it while whatever it proposed meanwhile may be proposed again, forwarded
            // to the new leader.
            for (long id : others) {
                cluster.cut(id, List.of(leader));
            }
            signal("STOP", leader);
            long newLeader = cluster.awaitLeader(others, LEADER_TIMEOUT);
            assertThat(newLeader).isNotEqualTo(leader);
            Thread.sleep((TTL + 2) * 1000L); // the frozen leader's deadlines are all past
            signal("CONT", leader);
            Thread.sleep(1500);
            cluster.healAll();
            Thread.sleep(3L * TTL * 1000);
            assertThat(keepAlive.notFound).isEmpty();
        }
        for (long id : cluster.ids()) {
            assertThat(cluster.client(id).get("freeze/a").status()).as("on node " + id).isEqualTo(200);
        }
    }

    @Test
    @Order(6)
    void aRestartOfEveryNodeKeepsTheLeasesWithAFreshTtl() throws Exception {
        long lease = grant(cluster.client(1), 10);
        cluster.client(1).call("PUT", kv("restart/a") + "?lease=" + lease, "1");
        for (NodeProcess node : cluster.nodes.values()) {
            node.kill();
        }
        long killedAt = System.nanoTime();
        cluster.startAll();
        long leader = cluster.awaitLeader(cluster.ids(), ProcessCluster.START_TIMEOUT);
        assertThat(System.nanoTime() - killedAt).as("the restart outlasted the TTL")
                .isGreaterThan(Duration.ofSeconds(10).toNanos());
        Answer shown = cluster.client(leader).call("GET", "/api/leases/" + lease, null);
        assertThat(shown.status()).as("the lease survived: " + shown).isEqualTo(200);
        assertThat(shown.body().get("keys").values()).extracting(n -> n.asString()).containsExactly("restart/a");
        assertThat(cluster.client(leader).get("restart/a").status()).isEqualTo(200);
        ProcessCluster.await("the lease to expire without keepalives", Duration.ofSeconds(40),
                () -> cluster.client(leader).get("restart/a").status() == 404);
    }

    private static long grant(KvClient client, int ttl) {
        Answer granted = client.post("/api/leases", "{\"ttlSeconds\": " + ttl + "}");
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        assertThat(granted.body().get("ttlSeconds").asLong()).isEqualTo(ttl);
        return granted.body().get("id").asLong();
    }

    private static int at(KvClient client, String key, long revision) {
        return client.call("GET", kv(key) + "?revision=" + revision, null).status();
    }

    private static String kv(String key) {
        return "/api/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static long other(long id, List<Long> ids) {
        return ids.stream().filter(i -> i != id).findFirst().orElseThrow();
    }

    private void signal(String signal, long id) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(cluster.nodes.get(id).pid())).start();
        assertThat(kill.waitFor()).isZero();
    }

    /** A holder: a keepalive every second, to each of {@code targets} in turn; 404s recorded. */
    private final class KeepAlive implements AutoCloseable {
        volatile List<Long> targets;
        final ConcurrentLinkedQueue<String> notFound = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        KeepAlive(long lease, List<Long> targets) {
            this.targets = targets;
            this.thread = Thread.ofPlatform().daemon().start(() -> {
                for (int i = 0; running.get(); i++) {
                    List<Long> now = this.targets;
                    long target = now.get(i % now.size());
                    Answer answer = cluster.client(target).post("/api/leases/" + lease + "/keepalive", "");
                    if (answer.status() == 404) {
                        notFound.add("node " + target + ": " + answer.body());
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(20_000);
        }
    }
}
