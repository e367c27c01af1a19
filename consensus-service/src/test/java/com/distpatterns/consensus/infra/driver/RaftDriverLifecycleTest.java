package com.distpatterns.consensus.infra.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.ConsensusUnavailableException.Reason;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.ValueEquivalence;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.store.StoreDirectory;
import com.distpatterns.consensus.infra.transport.LinkFaults;
import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.infra.wal.DurableStorage;
import com.distpatterns.consensus.infra.wal.WriteFault;
import com.distpatterns.consensus.raft.RaftConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver as Spring's lifecycle sees it: it starts before anything that routes calls to it, its thread ends on
 * stop (the executor is shut down), and a stopped driver refuses calls instead of leaving them waiting.
 */
class RaftDriverLifecycleTest {

    @TempDir
    Path dataDir;

    /** An id no other test's driver has, so its thread's name is this test's alone. */
    private static final long ID = 41;

    @Test
    void aStoppedDriverHasNoThreadLeftAndRefusesCalls() throws Exception {
        PeerAddress self = new PeerAddress("127.0.0.1", freePort());
        DurableStorage storage = DurableStorage.open(dataDir, 16L << 20, WriteFault.NONE,
                Optional.of(RaftDriver.foundingSnapshot(Map.of(ID, self))));
        StoreDirectory stores = new StoreDirectory(dataDir, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
        DriverSettings settings = new DriverSettings(Duration.ofMillis(10), Duration.ofSeconds(5), 10_000, 1_000,
                1_024);
        RaftDriver driver = new RaftDriver(RaftConfig.defaults(ID).withTicks(10, 1), settings, storage, stores,
                Map.of(ID, self),
                receiver -> new PeerTransport(ID, self.port(), 1_024, 64 << 20, new LinkFaults(), receiver),
                role -> {});
        try {
            assertThat(driver.getPhase()).as("below Eureka's registration (0) and the web server").isNegative();
            assertThat(driver.isRunning()).isFalse();

            driver.start();
            assertThat(driver.isRunning()).isTrue();
            Thread driverThread = driverThread().orElseThrow(() -> new AssertionError("no driver thread after start"));
            driver.write(new KvCommand.Put("k", "v".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);

            driver.stop();
            assertThat(driver.isRunning()).isFalse();
            // The executor counts as terminated once its task has returned; its thread exits a moment later (it
            // was seen alive right after stop in a fresh-clone CI). A thread that does not end still fails here.
            driverThread.join(5_000);
            assertThat(driverThread.isAlive()).as("the driver's thread after stop").isFalse();
            assertThatThrownBy(() -> driver.write(new KvCommand.Put("k", new byte[0])).get(1, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(ConsensusUnavailableException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.STOPPING));
            assertThatThrownBy(driver::start).isInstanceOf(IllegalStateException.class);
        } finally {
            driver.close();
        }
    }

    private static Optional<Thread> driverThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("raft-driver-" + ID) && t.isAlive()).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
