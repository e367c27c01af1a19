package com.distpatterns.consensus.infra.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.ValueEquivalence;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.store.StoreDirectory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint travels over a peer's Raft port as a stream of files. */
class CheckpointDownloadTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aFollowerDownloadsTheLeadersCheckpointThroughItsRaftPort() throws Exception {
        StoreDirectory leader = new StoreDirectory(dir.resolve("leader"), MvccStore.Tuning.SMALL,
                ValueEquivalence.BYTES);
        MvccStore store = leader.open(0, false);
        for (int i = 1; i <= 500; i++) {
            store.apply(i, new KvCommand.Put("k" + i, ("\"" + "v".repeat(i) + "\"").getBytes(StandardCharsets.UTF_8)));
        }
        leader.checkpoint(store.appliedIndex());
        PeerTransport transport = new PeerTransport(1, 0, 16, 1 << 20, new LinkFaults(), (from, frame) -> {});
        transport.serveCheckpoints(leader::serve);
        transport.start();
        StoreDirectory follower = new StoreDirectory(dir.resolve("follower"), MvccStore.Tuning.SMALL,
                ValueEquivalence.BYTES);
        follower.open(0, false);
        try (InputStream in = CheckpointDownload.open(2, new PeerAddress("127.0.0.1", transport.port()), 400)) {
            assertThat(follower.download(in)).contains(500L);
        }
        MvccStore installed = follower.install(400);
        assertThat(installed.revision()).isEqualTo(500);
        assertThat(installed.get("k250")).isPresent();
        transport.close();
        follower.close();
        leader.close();
    }
}
