package com.distpatterns.consensus.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A candidate as its own OS process (started by {@link ElectionProcessTest} with the test classpath): it takes a
 * lease and keeps it alive, campaigns, and while it leads writes fenced records, each a transaction that holds
 * only while its key still has the createRevision its campaign answered. It says what it does on stdout, one line
 * per event: {@code LEASE id}, {@code LEADER revision key}, {@code WROTE revision n}, {@code DEPOSED revision},
 * {@code RESIGNED revision}.
 *
 * <p>Arguments: election name, node base URLs (comma-separated), label, lease TTL in seconds, how long to lead
 * before resigning in ms (0: until killed).
 */
public final class ElectionCandidate {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> nodes;
    private final String label;
    private volatile int node;

    private ElectionCandidate(String name, List<String> nodes, String label) {
        this.name = name;
        this.nodes = nodes;
        this.label = label;
    }

    public static void main(String[] args) throws Exception {
        ElectionCandidate candidate = new ElectionCandidate(args[0], List.of(args[1].split(",")), args[2]);
        candidate.run(Integer.parseInt(args[3]), Long.parseLong(args[4]));
    }

    private void run(int ttlSeconds, long holdMs) throws Exception {
        long lease = grant(ttlSeconds);
        say("LEASE " + lease);
        Thread.ofPlatform().daemon().start(() -> keepAlive(lease, ttlSeconds));
        while (true) {
            Reply won = call("POST", "/api/elections/" + name + "/campaign",
                    "{\"value\":{\"label\":\"" + label + "\"},\"leaseId\":" + lease + ",\"waitMs\":20000}",
                    Duration.ofSeconds(40));
            if (won.status() != 200) {
                continue; // 409 after the wait, 503, or no answer: campaign again (the same lease keeps the place)
            }
            long revision = won.body().get("revision").asLong();
            String key = won.body().get("key").asString();
            say("LEADER " + revision + " " + key);
            lead(key, revision, holdMs);
        }
    }

    /** Writes fenced records until deposed or, with {@code holdMs}, until it resigns. */
    private void lead(String key, long revision, long holdMs) throws InterruptedException {
        long until = holdMs == 0 ? Long.MAX_VALUE : System.nanoTime() + holdMs * 1_000_000;
        for (int n = 0; System.nanoTime() < until; n++) {
            String record = "work/" + name + "/" + String.format("%012d-%06d", revision, n);
            Reply wrote = call("POST", "/api/txn",
                    "{\"compare\":[{\"key\":\"" + key + "\",\"target\":\"createRevision\",\"op\":\"=\",\"value\":"
                            + revision + "}],\"success\":[{\"put\":{\"key\":\"" + record + "\",\"value\":\"" + label
                            + "\"}}]}",
                    Duration.ofSeconds(10));
            if (wrote.status() == 200 && !wrote.body().get("succeeded").asBoolean()) {
                say("DEPOSED " + revision);
                return;
            }
            if (wrote.status() == 200) {
                say("WROTE " + revision + " " + n);
            }
            Thread.sleep(100);
        }
        Reply resigned = call("POST", "/api/elections/" + name + "/resign",
                "{\"key\":\"" + key + "\",\"revision\":" + revision + "}", Duration.ofSeconds(10));
        say("RESIGNED " + revision + " " + resigned.status());
    }

    private long grant(int ttlSeconds) throws InterruptedException {
        while (true) {
            Reply granted = call("POST", "/api/leases", "{\"ttlSeconds\":" + ttlSeconds + "}", Duration.ofSeconds(10));
            if (granted.status() == 200) {
                return granted.body().get("id").asLong();
            }
            Thread.sleep(200);
        }
    }

    private void keepAlive(long lease, int ttlSeconds) {
        try {
            while (true) {
                Thread.sleep(ttlSeconds * 1000L / 3);
                Reply alive = call("POST", "/api/leases/" + lease + "/keepalive", "{}", Duration.ofSeconds(2));
                if (alive.status() == 404) {
                    say("LEASE-LOST " + lease);
                    System.exit(3);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Reply(int status, JsonNode body) {}

    /** One call; a node that does not answer sends the next call to the next node. */
    private Reply call(String method, String path, String body, Duration timeout) {
        String base = nodes.get(node);
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                    .method(method, HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 503) {
                node = (node + 1) % nodes.size();
            }
            return new Reply(response.statusCode(), response.body().isBlank() ? null : JSON.readTree(response.body()));
        } catch (IOException e) {
            node = (node + 1) % nodes.size();
            return new Reply(-1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, null);
        }
    }

    private static synchronized void say(String line) {
        System.out.println(System.currentTimeMillis() + " " + line);
        System.out.flush();
    }
}
