package com.distpatterns.consensus.raft.sim;

import static org.assertj.core.api.Assertions.fail;

import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Role;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary of the classic Raft lab tests on top of the {@link Simulation}: find the one leader, reach
 * agreement on a command with {@link #one}, count the servers that committed an index, cut and heal servers.
 * Commands are puts of distinct values to one key; time is simulated, so waits cost no real time.
 */
public final class LabCluster {

    /** One election timeout at most, plus slack: 2 x electionTick x tickMs. */
    public static final long ELECTION_MS = 400;

    private final Simulation sim;

    public LabCluster(long seed, SimulationConfig config) {
        this.sim = new Simulation(seed, config);
    }

    public LabCluster(long seed, int servers) {
        this(seed, SimulationConfig.lab(servers));
    }

    public Simulation sim() {
        return sim;
    }

    public List<Long> servers() {
        return List.copyOf(sim.serverIds());
    }

    /** Waits for exactly one leader among the connected servers, as the lab's checkOneLeader does. */
    public long checkOneLeader() {
        for (int attempt = 0; attempt < 10; attempt++) {
            sim.runFor(50 + sim.random().nextInt(50));
            Map<Long, List<Long>> leadersByTerm = new HashMap<>();
            for (long id : servers()) {
                RaftNode raft = sim.raft(id);
                if (raft != null && raft.role() == Role.LEADER && reachesMajority(id)) {
                    leadersByTerm.computeIfAbsent(raft.term(), t -> new ArrayList<>()).add(id);
                }
            }
            long lastTerm = -1;
            for (var entry : leadersByTerm.entrySet()) {
                if (entry.getValue().size() > 1) {
                    fail("term " + entry.getKey() + " has leaders " + entry.getValue());
                }
                lastTerm = Math.max(lastTerm, entry.getKey());
            }
            if (lastTerm >= 0) {
                return leadersByTerm.get(lastTerm).getFirst();
            }
        }
        return fail("expected one leader, got none (seed " + sim.seed() + ")");
    }

    /** No connected server believes it leads with a majority behind it. */
    public void checkNoLeader() {
        for (long id : servers()) {
            RaftNode raft = sim.raft(id);
            if (raft != null && raft.role() == Role.LEADER && reachesMajority(id)) {
                fail("server " + id + " leads term " + raft.term() + " but no majority should be reachable");
            }
        }
    }

    private boolean reachesMajority(long id) {
        var voters = sim.raft(id).confState().voters();
        return voters.stream().filter(v -> sim.isUp(v) && sim.connected(id, v)).count() > voters.size() / 2;
    }

    /** How many up servers have applied the index, failing if they applied different commands there. */
    public int nCommitted(long index) {
        int count = 0;
        for (long id : servers()) {
            if (sim.isUp(id) && sim.applied(id) >= index) {
                count++;
            }
        }
        return count;
    }

    /** The value committed at an index, if any server committed it. */
    public String committedValue(long index) {
        byte[] data = sim.committedData(index);
        if (data == null || data.length == 0) {
            return null;
        }
        return KvCommandCodec.decode(data) instanceof KvCommand.Put put
                ? new String(put.value(), StandardCharsets.UTF_8)
                : null;
    }

    /** Proposes the value at a server if it leads; returns the index, or -1. */
    public long start(long server, String value) {
        if (!sim.isUp(server)) {
            return -1;
        }
        ProposalResult result = sim.propose(server, put(value), applied -> {}, () -> {});
        return result instanceof ProposalResult.Accepted accepted ? accepted.firstIndex() : -1;
    }

    /**
     * Reaches agreement on a value, as the lab's one(): finds a leader, proposes, and waits until at least
     * {@code expectedServers} applied it; with {@code retry}, proposes again at a new leader when it is lost.
     * Returns the index.
     */
    public long one(String value, int expectedServers, boolean retry) {
        long deadline = sim.now() + 10_000;
        int rotation = 0;
        while (sim.now() < deadline) {
            long index = -1;
            List<Long> ids = servers();
            for (int i = 0; i < ids.size() && index < 0; i++) {
                rotation = (rotation + 1) % ids.size();
                long id = ids.get(rotation);
                RaftNode raft = sim.raft(id);
                if (raft != null && raft.role() == Role.LEADER) {
                    index = start(id, value);
                }
            }
            if (index >= 0) {
                long proposed = index;
                long waitUntil = sim.now() + 2_000;
                while (sim.now() < waitUntil) {
                    sim.runFor(20);
                    if (nCommitted(proposed) >= expectedServers && value.equals(committedValue(proposed))) {
                        return proposed;
                    }
                }
                if (!retry) {
                    fail("one(" + value + ") failed to reach agreement (seed " + sim.seed() + ")");
                }
            } else {
                sim.runFor(50);
            }
        }
        return fail("one(" + value + ") failed to reach agreement within 10 s (seed " + sim.seed() + ")");
    }

    /** Waits until at least n servers applied the index; returns the value there. */
    public String waitCommitted(long index, int n, long maxMs) {
        if (!sim.runUntil(() -> nCommitted(index) >= n, maxMs)) {
            fail("only " + nCommitted(index) + " servers applied index " + index + ", expected " + n);
        }
        return committedValue(index);
    }

    public void disconnect(long id) {
        sim.isolate(id);
    }

    public void connect(long id) {
        sim.reconnect(id);
    }

    public void crash(long id) {
        sim.crash(id);
    }

    public void restart(long id) {
        sim.restart(id);
    }

    public void runFor(long ms) {
        sim.runFor(ms);
    }

    public static KvCommand put(String value) {
        return new KvCommand.Put("k", value.getBytes(StandardCharsets.UTF_8));
    }

    /** The servers other than the given ones. */
    public List<Long> others(long... excluded) {
        List<Long> rest = new ArrayList<>(servers());
        Arrays.stream(excluded).forEach(rest::remove);
        return rest;
    }
}
