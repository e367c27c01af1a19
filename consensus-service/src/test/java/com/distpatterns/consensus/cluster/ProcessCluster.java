package com.distpatterns.consensus.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;

/** A cluster of consensus-service nodes, each its own JVM on loopback with random free ports and a temp data dir. */
final class ProcessCluster implements AutoCloseable {

    /** Generous: JVMs start slowly on a loaded two-core machine. */
    static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    final Map<Long, NodeProcess> nodes = new LinkedHashMap<>();
    private final Path root;
    private final Map<String, String> settings;
    private final String peers;

    ProcessCluster(Path root, int size, Map<String, String> settings) throws IOException {
        this.root = root;
        this.settings = settings;
        StringJoiner peerList = new StringJoiner(",");
        for (long id = 1; id <= size; id++) {
            NodeProcess node = newNode(id, Map.of());
            nodes.put(id, node);
            peerList.add(id + "=127.0.0.1:" + node.raftPort);
        }
        this.peers = peerList.toString();
    }

    private NodeProcess newNode(long id, Map<String, String> extra) throws IOException {
        Map<String, String> environment = new HashMap<>(settings);
        environment.putAll(extra);
        return new NodeProcess(id, NodeProcess.freePort(), NodeProcess.freePort(), root.resolve("node-" + id),
                root.resolve("node-" + id + ".log"), environment);
    }

    void startAll() throws IOException {
        for (NodeProcess node : nodes.values()) {
            start(node);
        }
    }

    void start(NodeProcess node) throws IOException {
        Files.createDirectories(node.dataDir);
        node.environmentPut("CONSENSUS_PEERS", peers);
        node.start();
    }

    /** A server for a later membership change: it knows the others and starts empty. */
    NodeProcess joiner(long id) throws IOException {
        NodeProcess node = newNode(id, Map.of("CONSENSUS_JOIN", "true"));
        nodes.put(id, node);
        Files.createDirectories(node.dataDir);
        node.environmentPut("CONSENSUS_PEERS", peers + "," + id + "=127.0.0.1:" + node.raftPort);
        node.start();
        return node;
    }

    KvClient client(long id) {
        return new KvClient(nodes.get(id).baseUrl());
    }

    List<Long> ids() {
        return new ArrayList<>(nodes.keySet());
    }

    /** The leader that every live node among {@code among} agrees on, once there is one. */
    long awaitLeader(List<Long> among, Duration timeout) {
        long[] leader = {0};
        await("a leader known to nodes " + among, timeout, () -> {
            long agreed = 0;
            for (long id : among) {
                KvClient.Answer answer = client(id).cluster();
                if (!answer.ok()) {
                    return false;
                }
                long seen = answer.body().get("leaderId").asLong();
                if (seen == 0 || (agreed != 0 && seen != agreed)) {
                    return false;
                }
                agreed = seen;
            }
            leader[0] = agreed;
            return among.contains(agreed);
        });
        return leader[0];
    }

    Optional<JsonNode> cluster(long id) {
        KvClient.Answer answer = client(id).cluster();
        return answer.ok() ? Optional.of(answer.body()) : Optional.empty();
    }

    void cut(long id, List<Long> peersToCut) {
        KvClient.Answer answer = client(id).post("/test/faults", "{\"cut\":" + peersToCut + "}");
        if (!answer.ok()) {
            throw new AssertionError("could not cut links on node " + id + ": " + answer);
        }
    }

    void healAll() {
        for (long id : nodes.keySet()) {
            if (nodes.get(id).isAlive()) {
                cut(id, List.of());
            }
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    String logs() {
        StringBuilder text = new StringBuilder();
        for (NodeProcess node : nodes.values()) {
            text.append("---- node ").append(node.id).append(": ").append(node.logFile).append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() {
        try {
            for (NodeProcess node : nodes.values()) {
                node.kill();
            }
        } catch (InterruptedException e) {
            // Still end every node: destroyForcibly needs no waiting, only the wait for its exit was cut short.
            nodes.values().forEach(NodeProcess::killNow);
            Thread.currentThread().interrupt();
        }
    }
}
