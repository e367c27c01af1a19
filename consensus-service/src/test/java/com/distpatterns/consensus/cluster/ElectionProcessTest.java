package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.cluster.KvClient.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Elections on a real 3-node cluster: candidates in their own OS processes keeping their own leases alive, one
 * leader at a time (checked by fenced writes), tokens that grow, a takeover within the lease TTL and one election
 * timeout after the leader's process is killed; and the HTTP contract (order, resign, proclaim, timeout, observe).
 */
class ElectionProcessTest {

    private static final int TTL_SECONDS = 5;
    /** The cluster's longest election timeout: election-ticks 10 of 100 ms, randomized up to twice as many. */
    private static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path root;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new ProcessCluster(root, 3, Map.of());
        cluster.startAll();
        cluster.awaitLeader(cluster.ids(), ProcessCluster.START_TIMEOUT);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> nodes(int first) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            urls.add(cluster.client(cluster.ids().get((first + i) % 3)).baseUrl());
        }
        return urls;
    }

    @Test
    void candidateProcessesLeadOneAtATimeWithGrowingTokensAndTakeOverFromAKilledLeader() throws Exception {
        try (CandidateProcess a = CandidateProcess.start(root, "two", nodes(0), "a", TTL_SECONDS, 0);
                CandidateProcess b = CandidateProcess.start(root, "two", nodes(1), "b", TTL_SECONDS, 0)) {
            ProcessCluster.await("a leader among a and b", LONG,
                    () -> a.first("LEADER").isPresent() || b.first("LEADER").isPresent());
            CandidateProcess first = a.first("LEADER").isPresent() ? a : b;
            CandidateProcess second = first == a ? b : a;
            long token1 = Long.parseLong(first.first("LEADER").orElseThrow()[1]);
            first.await("5 fenced writes", LONG, () -> first.count("WROTE") >= 5);
            second.await("its campaign in line", LONG,
                    () -> second.first("LEASE").isPresent() && candidates("two") == 2);
            JsonNode leader = cluster.client(1).call("GET", "/api/elections/two", null).body();
            assertThat(leader.get("revision").asLong()).isEqualTo(token1);
            assertThat(leader.get("value").get("label").asString()).isEqualTo(first.label);
            assertThat(second.first("LEADER")).as("one leader at a time").isEmpty();

            long takeover1 = killAndAwaitTakeover(first, second);
            long token2 = Long.parseLong(second.first("LEADER").orElseThrow()[1]);
            assertThat(token2).isGreaterThan(token1);
            second.await("5 fenced writes", LONG, () -> second.count("WROTE") >= 5);

            long token3;
            try (CandidateProcess c = CandidateProcess.start(root, "two", nodes(2), "c", TTL_SECONDS, 0)) {
                c.await("its campaign in line", LONG, () -> c.first("LEASE").isPresent() && candidates("two") == 2);
                long takeover2 = killAndAwaitTakeover(second, c);
                token3 = Long.parseLong(c.first("LEADER").orElseThrow()[1]);
                assertThat(token3).isGreaterThan(token2);
                c.await("3 fenced writes", LONG, () -> c.count("WROTE") >= 3);
                System.out.printf(
                        "election takeover after kill -9 of the leader's process: %d ms and %d ms (TTL %d s)%n",
                        takeover1, takeover2, TTL_SECONDS);
            }
            // Every fenced write, in the order the store applied them: a token never follows a larger one.
            List<Long> tokens = fencedTokensInRevisionOrder("work/two/");
            assertThat(tokens).isSorted();
            assertThat(tokens.stream().distinct().toList()).containsExactly(token1, token2, token3);
        }
    }

    /** Kills the leader's process and answers how long until {@code next} says it leads, at most TTL + one election timeout. */
    private static long killAndAwaitTakeover(CandidateProcess leader, CandidateProcess next)
            throws InterruptedException {
        long killed = System.nanoTime();
        leader.kill();
        next.await("leadership after the kill", LONG, () -> next.first("LEADER").isPresent());
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(Duration.ofMillis(took)).as("takeover after kill -9")
                .isLessThanOrEqualTo(Duration.ofSeconds(TTL_SECONDS).plus(ELECTION_TIMEOUT));
        return took;
    }

    private static long candidates(String election) {
        Answer count = cluster.client(1).call("GET", "/api/kv?prefix=_elections/" + election + "/&countOnly=true",
                null);
        return count.ok() ? count.body().get("count").asLong() : -1;
    }

    private static List<Long> fencedTokensInRevisionOrder(String prefix) {
        List<JsonNode> records = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = cluster.client(1).call("GET", "/api/kv?prefix=" + prefix + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor), null).body();
            page.get("kvs").forEach(records::add);
            cursor = page.get("more").asBoolean() ? page.get("next").asString() : null;
        } while (cursor != null);
        assertThat(records).as("fenced writes").hasSizeGreaterThan(10);
        return records.stream()
                .sorted((x, y) -> Long.compare(x.get("modRevision").asLong(), y.get("modRevision").asLong()))
                .map(kv -> Long.parseLong(kv.get("key").asString().substring(prefix.length()).split("-")[0])).toList();
    }

    // ------------------------------------------------------------------ the HTTP contract

    private static long grant(KvClient client) {
        Answer granted = client.post("/api/leases", "{\"ttlSeconds\":30}");
        assertThat(granted.status()).as("grant: %s", granted).isEqualTo(200);
        return granted.body().get("id").asLong();
    }

    private static Answer campaign(KvClient client, String name, String value, long lease, long waitMs) {
        return client.post("/api/elections/" + name + "/campaign",
                "{\"value\":" + value + ",\"leaseId\":" + lease + ",\"waitMs\":" + waitMs + "}");
    }

    private static CompletableFuture<HttpResponse<String>> campaignAsync(KvClient client, String name, String value,
            long lease) {
        return HTTP
                .sendAsync(HttpRequest.newBuilder(URI.create(client.baseUrl() + "/api/elections/" + name + "/campaign"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers
                                .ofString("{\"value\":" + value + ",\"leaseId\":" + lease + ",\"waitMs\":60000}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return KvClient.JSON.readTree(response.body());
    }

    @Test
    void candidatesLeadInCampaignOrderOverHttpAndObserversSeeEachLeader() throws Exception {
        KvClient one = cluster.client(1);
        KvClient two = cluster.client(2);
        KvClient three = cluster.client(3);
        LinkedBlockingQueue<String> observed = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create(two.baseUrl() + "/api/elections/order/observe")).build(),
                        HttpResponse.BodyHandlers.ofLines()).body()
                        .filter(line -> line.startsWith("data: ")).forEach(line -> observed.add(line.substring(6)));
            } catch (Exception e) {
                observed.add("{\"error\":\"" + e + "\"}");
            }
        });
        assertThat(KvClient.JSON.readTree(observed.poll(30, TimeUnit.SECONDS)).has("key")).as("nobody leads yet")
                .isFalse();

        // Leases granted so that key order is the opposite of campaign order.
        long third = grant(one);
        long second = grant(one);
        long first = grant(one);
        assertThat(third).isLessThan(second);
        Answer won = campaign(one, "order", "{\"n\":1}", first, 5000);
        assertThat(won.status()).as("%s", won).isEqualTo(200);
        long token1 = won.body().get("revision").asLong();
        String key1 = won.body().get("key").asString();
        CompletableFuture<HttpResponse<String>> waiting2 = campaignAsync(two, "order", "{\"n\":2}", second);
        ProcessCluster.await("the second in line", LONG, () -> candidates("order") == 2);
        CompletableFuture<HttpResponse<String>> waiting3 = campaignAsync(three, "order", "{\"n\":3}", third);
        ProcessCluster.await("the third in line", LONG, () -> candidates("order") == 3);

        String key2 = "_elections/order/" + Long.toHexString(second);
        Answer usurper = two.call("PUT", "/api/elections/order/proclaim",
                "{\"key\":\"" + key2 + "\",\"value\":\"mine\"}");
        assertThat(usurper.status()).isEqualTo(409);
        assertThat(usurper.body().get("type").asString()).endsWith("not-leader");
        assertThat(two.post("/api/elections/order/resign", "{\"key\":\"" + key2 + "\"}").status()).isEqualTo(409);

        long late = grant(three);
        Answer timedOut = campaign(three, "order", "4", late, 300);
        assertThat(timedOut.status()).isEqualTo(409);
        assertThat(timedOut.body().get("type").asString()).endsWith("campaign-timed-out");
        assertThat(one.get("_elections/order/" + Long.toHexString(late)).status()).as("no key left behind")
                .isEqualTo(404);
        assertThat(candidates("order")).isEqualTo(3);

        Answer proclaimed = one.call("PUT", "/api/elections/order/proclaim",
                "{\"key\":\"" + key1 + "\",\"revision\":" + token1
                        + ",\"value\":{\"n\":1.5}}");
        assertThat(proclaimed.status()).as("%s", proclaimed).isEqualTo(200);
        assertThat(proclaimed.body().get("revision").asLong()).isEqualTo(token1);
        assertThat(three.call("GET", "/api/elections/order", null).body().get("value").toString())
                .isEqualTo("{\"n\":1.5}");

        assertThat(one.post("/api/elections/order/resign", "{\"key\":\"" + key1 + "\",\"revision\":" + token1 + "}")
                .status()).isEqualTo(200);
        JsonNode leader2 = json(waiting2.get(30, TimeUnit.SECONDS));
        assertThat(leader2.get("key").asString()).isEqualTo(key2);
        assertThat(leader2.get("revision").asLong()).isGreaterThan(token1);
        Thread.sleep(300);
        assertThat(waiting3).as("the third waits for the second").isNotDone();
        assertThat(two.post("/api/elections/order/resign", "{\"key\":\"" + key2 + "\"}").status()).isEqualTo(200);
        JsonNode leader3 = json(waiting3.get(30, TimeUnit.SECONDS));
        assertThat(leader3.get("revision").asLong()).isGreaterThan(leader2.get("revision").asLong());

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String data = observed.poll(30, TimeUnit.SECONDS);
            assertThat(data).as("observed so far: %s", seen).isNotNull();
            seen.add(KvClient.JSON.readTree(data).get("value").toString());
        }
        assertThat(seen).containsExactly("{\"n\":1}", "{\"n\":1.5}", "{\"n\":2}", "{\"n\":3}");
        reader.interrupt();
    }

    @Test
    void badCallsAnswerClearly() {
        KvClient client = cluster.client(1);
        assertThat(campaign(client, "x", "1", 987654321L, 100).status()).as("an unknown lease").isEqualTo(404);
        long lease = grant(client);
        assertThat(campaign(client, "x", "1", lease, 300001).status()).as("waitMs too long").isEqualTo(400);
        assertThat(campaign(client, "x", "null", lease, 100).status()).as("a null value").isEqualTo(400);
        assertThat(client.post("/api/elections/x/campaign", "{\"value\":1}").status()).as("no lease").isEqualTo(400);
        assertThat(client.post("/api/elections/x/campaign", "{").status()).as("not JSON").isEqualTo(400);
        assertThat(client.post("/api/elections/a%2Fb/campaign", "{\"value\":1,\"leaseId\":" + lease + "}").status())
                .as("a '/' in the name").isEqualTo(400);
        assertThat(client.call("GET", "/api/elections/nobody", null).status()).isEqualTo(404);
        assertThat(client.post("/api/elections/nobody/resign", "{\"key\":\"_elections/nobody/1\"}").status())
                .isEqualTo(409);
    }
}
