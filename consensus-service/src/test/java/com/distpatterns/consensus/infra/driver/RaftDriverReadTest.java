package com.distpatterns.consensus.infra.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.ReadConsistency;
import com.distpatterns.consensus.core.ValueEquivalence;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.store.StoreDirectory;
import com.distpatterns.consensus.infra.transport.LinkFaults;
import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.infra.wal.DurableStorage;
import com.distpatterns.consensus.infra.wal.WriteFault;
import com.distpatterns.consensus.raft.RaftConfig;
import com.distpatterns.consensus.raft.Role;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read path of {@link RaftDriver}, the code behind {@code GET /api/kv/{key}}: three drivers in this JVM over
 * their real TCP transport and write-ahead logs, partitioned with the transport's {@link LinkFaults}. A server
 * cut off from the majority after a newer write still holds the old value: {@code consistency=local} serves it,
 * a default (linearizable) read must fail rather than serve it. The outcome depends on the partition only, not
 * on timing: no frame about the newer write can reach the cut-off server.
 */
class RaftDriverReadTest {

    private static final String KEY = "read-path";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dataDir;

    private final Map<Long, RaftDriver> drivers = new TreeMap<>();
    private final Map<Long, LinkFaults> faults = new TreeMap<>();

    @BeforeEach
    void startThreeNodes() throws IOException {
        Map<Long, PeerAddress> peers = new TreeMap<>();
        for (long id = 1; id <= 3; id++) {
            peers.put(id, new PeerAddress("127.0.0.1", freePort()));
        }
        for (long id : peers.keySet()) {
            faults.put(id, new LinkFaults());
            drivers.put(id, driver(id, peers));
        }
        for (RaftDriver driver : drivers.values()) {
            driver.start();
        }
    }

    @AfterEach
    void stop() {
        drivers.values().forEach(RaftDriver::close);
    }

    /**
     * A driver wired as ConsensusConfiguration wires it, with 10 ms ticks and elections after 300-600 ms: long
     * enough that a busy machine's late ticks do not depose a leader that is not cut off.
     */
    private RaftDriver driver(long id, Map<Long, PeerAddress> peers) throws IOException {
        Path nodeDir = dataDir.resolve("node-" + id);
        DurableStorage storage = DurableStorage.open(nodeDir, 16L << 20, WriteFault.NONE,
                Optional.of(RaftDriver.foundingSnapshot(peers)));
        StoreDirectory stores = new StoreDirectory(nodeDir, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
        RaftConfig config = RaftConfig.defaults(id).withTicks(30, 3).withRandomSeed(System.nanoTime() ^ id);
        DriverSettings settings = new DriverSettings(Duration.ofMillis(10), REQUEST_TIMEOUT, 10_000, 1_000, 1_024);
        LinkFaults links = faults.get(id);
        return new RaftDriver(config, settings, storage, stores, peers,
                receiver -> new PeerTransport(id, peers.get(id).port(), 1_024, 64 << 20, links, receiver), role -> {});
    }

    @Test
    void aFollowerCutOffFromTheMajorityServesTheOldValueOnlyToALocalRead() throws InterruptedException {
        long leader = awaitLeader(drivers.keySet());
        write(leader, "v1");
        awaitLocalValueEverywhere("v1");
        long follower = drivers.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();

        cutOff(follower);
        write(leader, "v2"); // committed by the other two

        assertThat(localRead(follower)).as("local read on the cut-off follower").contains("v1");
        assertRefused(follower);

        heal();
        awaitLinearizableRead(follower, "v2");
    }

    @Test
    void aDeposedLeaderCutOffFromTheMajorityServesTheOldValueOnlyToALocalRead() throws InterruptedException {
        long oldLeader = awaitLeader(drivers.keySet());
        write(oldLeader, "v1");
        awaitLocalValueEverywhere("v1");

        cutOff(oldLeader);
        Set<Long> majority = drivers.keySet().stream().filter(id -> id != oldLeader).collect(Collectors.toSet());
        long newLeader = awaitLeader(majority);
        write(newLeader, "v2");

        assertThat(localRead(oldLeader)).as("local read on the old leader").contains("v1");
        assertRefused(oldLeader);

        heal();
        awaitLinearizableRead(oldLeader, "v2");
    }

    /** A default read on the cut-off node: it fails when its deadline passes; serving any value is wrong. */
    private void assertRefused(long id) throws InterruptedException {
        CompletableFuture<Optional<String>> read = read(id, ReadConsistency.LINEARIZABLE);
        try {
            Optional<String> served = read.get(REQUEST_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            fail("node " + id + ", cut off from the majority after v2 was written, served " + served
                    + " to a linearizable read instead of refusing it");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).as("why the linearizable read failed")
                    .isInstanceOf(ConsensusUnavailableException.class);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("the linearizable read on node " + id + " neither answered nor failed by its deadline");
        }
    }

    private void cutOff(long id) {
        Set<Long> others = drivers.keySet().stream().filter(other -> other != id).collect(Collectors.toSet());
        faults.get(id).cutExactly(others);
        others.forEach(other -> faults.get(other).cutExactly(Set.of(id)));
    }

    private void heal() {
        faults.values().forEach(links -> links.cutExactly(Set.of()));
    }

    private long awaitLeader(Set<Long> among) {
        List<Long> leaders = new ArrayList<>();
        await(() -> {
            leaders.clear();
            among.stream().filter(id -> drivers.get(id).role() == Role.LEADER).forEach(leaders::add);
            return leaders.size() == 1
                    && among.stream().allMatch(id -> drivers.get(id).leaderId() == leaders.getFirst());
        }, "one leader among " + among + " that all of them know");
        return leaders.getFirst();
    }

    /** Puts the value through the node, again if the cluster was briefly unavailable: a put can be repeated. */
    private void write(long id, String value) {
        await(() -> {
            try {
                drivers.get(id).write(new KvCommand.Put(KEY, value.getBytes(StandardCharsets.UTF_8))).get(5,
                        TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ConsensusUnavailableException) {
                    return false;
                }
                throw new IllegalStateException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "node " + id + " to write " + value);
    }

    private void awaitLocalValueEverywhere(String value) {
        await(() -> drivers.keySet().stream().allMatch(id -> localRead(id).equals(Optional.of(value))),
                "every node applied " + value);
    }

    /** Retries while the healed node rejoins; a linearizable read must never return the value v2 replaced. */
    private void awaitLinearizableRead(long id, String expected) {
        await(() -> {
            try {
                Optional<String> value = read(id, ReadConsistency.LINEARIZABLE).get(5, TimeUnit.SECONDS);
                assertThat(value).as("linearizable read on node " + id + " after healing").contains(expected);
                return true;
            } catch (ExecutionException e) {
                return false;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "a linearizable read on node " + id + " after healing");
    }

    private Optional<String> localRead(long id) {
        return read(id, ReadConsistency.LOCAL).join();
    }

    private CompletableFuture<Optional<String>> read(long id, ReadConsistency consistency) {
        return drivers.get(id).read(KEY, consistency)
                .thenApply(found -> found.map(v -> new String(v.value(), StandardCharsets.UTF_8)));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
