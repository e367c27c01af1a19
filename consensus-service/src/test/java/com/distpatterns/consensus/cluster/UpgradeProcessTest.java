package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvStore;
import com.distpatterns.consensus.infra.driver.RaftDriver;
import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.infra.wal.DurableStorage;
import com.distpatterns.consensus.infra.wal.SnapshotFiles;
import com.distpatterns.consensus.infra.wal.WriteFault;
import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Snapshot;
import com.distpatterns.consensus.raft.SnapshotMetadata;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by the version that kept the store in memory (its snapshot holds the store): the node
 * refuses to start and says what to do, rather than start empty.
 */
class UpgradeProcessTest {

    @TempDir
    Path root;

    @Test
    void aDataDirectoryOfTheInMemoryStoreFailsAtStartWithWhatToDo() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(root, 1, Map.of())) {
            NodeProcess node = cluster.nodes.get(1L);
            DurableStorage old = DurableStorage.open(node.dataDir, 64L << 20, WriteFault.NONE,
                    Optional.of(RaftDriver.foundingSnapshot(Map.of(1L, new PeerAddress("127.0.0.1", node.raftPort)))));
            KvStore store = new KvStore();
            store.apply(2, new KvCommand.Put("kept", "\"in memory\"".getBytes(StandardCharsets.UTF_8)));
            old.close();
            // As the previous version wrote it: the founding snapshot replaced by one that holds the store.
            new SnapshotFiles(node.dataDir.resolve("snap")).save(new Snapshot(new SnapshotMetadata(1, 1,
                    ConfState.ofVoters(List.of(1L))), legacyImage(node.raftPort, store.snapshot())), WriteFault.NONE);

            cluster.start(node);
            ProcessCluster.await("the node to refuse to start", ProcessCluster.START_TIMEOUT, () -> !node.isAlive());
            assertThat(node.exitStatus()).isNotZero();
            assertThat(Files.readString(node.logFile))
                    .contains("written by a version that kept the store in memory")
                    .contains("empty the data directory");
        }
    }

    /** The snapshot image of the previous version: {@code [1][count]([id][address])*[store]}. */
    private static byte[] legacyImage(int raftPort, byte[] store) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(1);
            out.writeLong(1);
            out.writeUTF("127.0.0.1:" + raftPort);
            out.write(store);
        }
        return bytes.toByteArray();
    }
}
