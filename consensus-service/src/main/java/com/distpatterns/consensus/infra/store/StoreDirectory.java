package com.distpatterns.consensus.infra.store;

import com.distpatterns.consensus.core.ValueEquivalence;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's part of a data directory: the live RocksDB store in {@code state/} and its checkpoints in
 * {@code checkpoints/}. Opens the store so that it holds at least what the Raft snapshot says, installs
 * checkpoints downloaded from peers, and serves its own. Driver thread, but {@link #serve} (a transport thread).
 */
public final class StoreDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreDirectory.class);

    private final Path state;
    private final Checkpoints checkpoints;
    private final MvccStore.Tuning tuning;
    private final ValueEquivalence equivalence;
    private MvccStore store;

    public StoreDirectory(Path dataDir, MvccStore.Tuning tuning, ValueEquivalence equivalence) throws IOException {
        this.state = dataDir.resolve("state");
        this.checkpoints = new Checkpoints(dataDir);
        this.tuning = tuning;
        this.equivalence = equivalence;
    }

    public MvccStore store() {
        return store;
    }

    /**
     * Opens the live store for a node whose Raft snapshot is at {@code snapshotIndex}: when the snapshot has a
     * checkpoint and the live store is missing or older (a crash during an install), it is restored from the
     * newest local checkpoint at that index or later.
     */
    public MvccStore open(long snapshotIndex, boolean snapshotHasCheckpoint) throws IOException {
        boolean exists = Files.isDirectory(state);
        if (exists) {
            store = MvccStore.open(state, tuning, equivalence);
            if (!snapshotHasCheckpoint || store.appliedIndex() >= snapshotIndex) {
                return store;
            }
            store.close();
        }
        if (snapshotHasCheckpoint) {
            long index = checkpoints.newestFrom(snapshotIndex).orElseThrow(() -> new IllegalStateException(
                    "The Raft snapshot at index " + snapshotIndex
                            + " needs the store's checkpoint at that index or later, "
                            + "and " + checkpoints.dirOf(snapshotIndex).getParent()
                            + " has none. Empty the data directory and "
                            + "let the node rejoin (remove it with DELETE /api/cluster/members/{id}, start it with "
                            + "CONSENSUS_JOIN=true, add it with POST /api/cluster/members)."));
            checkpoints.restore(index, state);
        }
        store = MvccStore.open(state, tuning, equivalence);
        return store;
    }

    /** Takes this node's checkpoint at {@code index} (the store's applied index now). */
    public void checkpoint(long index) throws IOException {
        checkpoints.take(store, index);
    }

    /** Whether a checkpoint at {@code index} or later is here already. */
    public boolean hasCheckpointFrom(long index) throws IOException {
        return checkpoints.newestFrom(index).isPresent();
    }

    /** Keeps the checkpoint a peer streams; empty when the peer had none recent enough. */
    public Optional<Long> download(InputStream in) throws IOException {
        return checkpoints.receive(in);
    }

    /** Replaces the live store with the newest checkpoint at {@code index} or later. */
    public MvccStore install(long index) throws IOException {
        long from = checkpoints.newestFrom(index)
                .orElseThrow(() -> new IOException("no checkpoint at " + index + " or later"));
        store.close();
        store = null;
        checkpoints.restore(from, state);
        store = MvccStore.open(state, tuning, equivalence);
        log.info("Store installed from checkpoint {}: revision {}, applied {}", from, store.revision(),
                store.appliedIndex());
        return store;
    }

    /** Streams this node's newest checkpoint at {@code minIndex} or later to a peer. */
    public void serve(long minIndex, OutputStream out) throws IOException {
        checkpoints.send(minIndex, out);
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
