package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.store.StoreDirectory;
import com.distpatterns.consensus.infra.wal.DurableStorage;
import com.distpatterns.consensus.infra.wal.StorageFailedException;
import com.distpatterns.consensus.raft.ConfState;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when to snapshot and takes the snapshot: every {@code snapshotEvery} applied entries or
 * {@code snapshotEveryBytes} of applied commands, whichever first (what bounds the log the heap holds). The store's
 * part is a checkpoint; the Raft snapshot holds the replicated addresses and says the checkpoint exists, and the
 * log is compacted behind it. Confined to the driver thread.
 */
final class Snapshotter {

    private static final Logger log = LoggerFactory.getLogger(Snapshotter.class);

    private final long selfId;
    private final DriverSettings settings;
    private final DurableStorage storage;
    private final StoreDirectory stores;
    private final StoreApplier applier;
    private final AddressBook addresses;

    Snapshotter(long selfId, DriverSettings settings, DurableStorage storage, StoreDirectory stores,
            StoreApplier applier,
            AddressBook addresses) {
        this.selfId = selfId;
        this.settings = settings;
        this.storage = storage;
        this.stores = stores;
        this.applier = applier;
        this.addresses = addresses;
    }

    /** After advance: snapshots at {@code applied}, with the membership {@code conf} there, if one is due. */
    void snapshotIfDue(long applied, ConfState conf) {
        if (applied - storage.snapshot().index() < settings.snapshotEvery()
                && applier.bytesSinceSnapshot() < settings.snapshotEveryBytes()) {
            return;
        }
        // The checkpoint is named after the store's applied index, which may be past the engine's after a restart.
        try {
            stores.checkpoint(applier.store().appliedIndex());
        } catch (IOException e) {
            throw new StorageFailedException("a checkpoint of the store failed: " + e.getMessage(), e);
        }
        storage.snapshotAt(applied, conf, SnapshotImage.of(addresses.replicated(), true).encode(),
                settings.keepEntries(),
                settings.keepBytes());
        applier.snapshotTaken();
        log.info("Node {} took a snapshot at index {} (store revision {}, {} bytes on disk)", selfId, applied,
                applier.store().revision(), applier.sizeOnDisk());
    }
}
