package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.store.StoreDirectory;
import com.distpatterns.consensus.infra.store.StoreFailedException;
import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.Snapshot;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine updater: the store as the log builds it. Opens it at start, applies committed entries to it
 * (and their membership changes to the address book), swaps in a checkpoint when a snapshot restores it.
 *
 * <p>Threads: the store, the address book and the bytes since the last snapshot are the driver thread's; the size
 * and revisions it publishes are volatile, written by the driver thread and read by any (quota checks, metrics,
 * {@code revisions()}).
 */
final class StoreApplier {

    private static final Logger log = LoggerFactory.getLogger(StoreApplier.class);

    private final StoreDirectory stores;
    private final AddressBook addresses;
    private final AppliedRevisions listener;
    /** Written by the driver thread (a restore replaces it); read by any (the store readers). */
    private volatile MvccStore store;
    private long bytesSinceSnapshot;
    private volatile long sizeOnDisk;
    private volatile long revision;
    private volatile long compactedRevision;

    /** Opens the store the snapshot names, after refusing one written by a version that kept it in memory. */
    StoreApplier(Snapshot snapshot, StoreDirectory stores, AddressBook addresses, AppliedRevisions listener)
            throws IOException {
        this.stores = stores;
        this.addresses = addresses;
        this.listener = listener;
        SnapshotImage image = SnapshotImage.decode(snapshot.data());
        if (image.legacyStore()) {
            throw new IllegalStateException("The data directory holds a snapshot (index " + snapshot.index()
                    + ") written "
                    + "by a version that kept the store in memory; this version keeps it in RocksDB and cannot read it. "
                    + "Either run the previous version on it, or empty the data directory: a node then rejoins and "
                    + "catches up from the others (all nodes emptied: the cluster starts empty).");
        }
        addresses.replaceReplicated(image.addresses());
        store = stores.open(snapshot.index(), image.checkpoint());
        sizeOnDisk = store.sizeOnDisk();
        revision = store.revision();
        listener.applied(store, revision);
    }

    /** The store now; a restore may replace it, so callers ask again each time. */
    MvccStore store() {
        return store;
    }

    /**
     * Applies one committed entry; returns what the command did, or null when there was no command to apply (an
     * empty or membership entry, one this version cannot read) or the store was already past it (a checkpoint).
     */
    Outcome apply(Entry entry) {
        if (entry.type() == Entry.Type.NORMAL && entry.data().length > 0) {
            KvCommand command;
            try {
                command = KvCommandCodec.decode(entry.data());
            } catch (IllegalArgumentException e) {
                // Every server skips it alike; refusing to go on would stop the cluster for good.
                log.error("Entry {} holds no command this version understands ({}); skipped", entry.index(),
                        e.getMessage());
                store.skip(entry.index());
                return null;
            }
            if (command instanceof KvCommand.LeaseRevoke r && r.expiryTerm() != 0 && r.expiryTerm() != entry.term()) {
                // An expiry decided by the leader of another term, proposed again since: that leader was deposed.
                log.warn("Entry {}: the expiry of lease {} decided in term {} was committed in term {}; ignored",
                        entry.index(), r.id(), r.expiryTerm(), entry.term());
                store.skip(entry.index());
                return new Outcome.LeaseRevoked(r.id(), false, java.util.List.of(), store.revision());
            }
            Outcome result = store.apply(entry.index(), command);
            bytesSinceSnapshot += entry.data().length;
            return result;
        }
        store.skip(entry.index());
        if (entry.type() == Entry.Type.CONF_CHANGE) {
            addresses.apply(ConfChange.fromBytes(entry.data()));
        }
        return null;
    }

    /** Replaces the state with a persisted snapshot's: its addresses, and its checkpoint if the store is behind it. */
    void restore(Snapshot snapshot) {
        SnapshotImage image = SnapshotImage.decode(snapshot.data());
        addresses.replaceReplicated(image.addresses());
        if (image.checkpoint() && store.appliedIndex() < snapshot.index()) {
            try {
                store = stores.install(snapshot.index());
            } catch (IOException e) {
                throw new StoreFailedException("installing the checkpoint of snapshot " + snapshot.index() + " failed",
                        e);
            }
        }
        sizeOnDisk = store.sizeOnDisk();
        revision = store.revision();
    }

    /** Commands' bytes applied since the last snapshot: with the entry count, when the next one is due. */
    long bytesSinceSnapshot() {
        return bytesSinceSnapshot;
    }

    void snapshotTaken() {
        bytesSinceSnapshot = 0;
        sizeOnDisk = store.sizeOnDisk();
    }

    /** Publishes the size on disk (each tick: it changes as RocksDB flushes and compacts, not only when applying). */
    void publishSize() {
        sizeOnDisk = store.sizeOnDisk();
    }

    /** Publishes the revisions after a Ready was applied, and tells the listener (watches). */
    void publishRevisions() {
        revision = store.revision();
        compactedRevision = store.compactedRevision();
        listener.applied(store, revision);
    }

    long sizeOnDisk() {
        return sizeOnDisk;
    }

    long revision() {
        return revision;
    }

    long compactedRevision() {
        return compactedRevision;
    }
}
