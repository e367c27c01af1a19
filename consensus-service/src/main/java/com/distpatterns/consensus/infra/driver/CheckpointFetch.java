package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.store.StoreDirectory;
import com.distpatterns.consensus.infra.store.StoreFailedException;
import com.distpatterns.consensus.infra.transport.CheckpointDownload;
import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a snapshot from the leader is persisted: downloads the store's checkpoint it stands for (at its index or
 * later), as a stream of files, from the leader or any peer that has one. A node that already holds one (or whose
 * store is past it) needs none. Runs on the driver thread and blocks it while it lasts: this node is behind and
 * serves nothing meanwhile. It gives up only when the driver stops (which interrupts the thread).
 */
final class CheckpointFetch {

    private static final Logger log = LoggerFactory.getLogger(CheckpointFetch.class);

    private final long selfId;
    private final RaftNode node;
    private final StoreDirectory stores;
    private final StoreApplier applier;
    private final AddressBook addresses;

    CheckpointFetch(long selfId, RaftNode node, StoreDirectory stores, StoreApplier applier, AddressBook addresses) {
        this.selfId = selfId;
        this.node = node;
        this.stores = stores;
        this.applier = applier;
        this.addresses = addresses;
    }

    void fetchFor(Snapshot snapshot) {
        SnapshotImage image = SnapshotImage.decode(snapshot.data());
        long index = snapshot.index();
        try {
            if (!image.checkpoint() || applier.store().appliedIndex() >= index || stores.hasCheckpointFrom(index)) {
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long started = System.nanoTime();
        for (int attempt = 0; !Thread.currentThread().isInterrupted(); attempt++) {
            for (long peer : sources()) {
                PeerAddress address = addresses.all().get(peer);
                try (InputStream in = CheckpointDownload.open(selfId, address, index)) {
                    if (stores.download(in).isPresent()) {
                        log.info("Node {} downloaded the checkpoint for snapshot {} from node {} in {} ms", selfId,
                                index,
                                peer, (System.nanoTime() - started) / 1_000_000);
                        return;
                    }
                } catch (IOException | RuntimeException e) {
                    log.warn("Node {}: downloading the checkpoint for snapshot {} from node {} failed: {}", selfId,
                            index,
                            peer, e.toString());
                }
            }
            try {
                Thread.sleep(Math.min(2000, 100L << Math.min(attempt, 5)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreFailedException("interrupted while downloading a checkpoint", e);
            }
        }
        throw new StoreFailedException("the node stopped while downloading a checkpoint", null);
    }

    /** The leader first (it has the newest checkpoint), then every other peer. */
    private List<Long> sources() {
        List<Long> sources = new ArrayList<>();
        if (node.leaderId() != RaftNode.NONE && node.leaderId() != selfId) {
            sources.add(node.leaderId());
        }
        addresses.all().keySet().stream().filter(id -> id != selfId && !sources.contains(id)).forEach(sources::add);
        return sources;
    }
}
