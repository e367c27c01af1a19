package com.distpatterns.consensus.infra.wal;

import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.HardState;
import com.distpatterns.consensus.raft.MemoryStorage;
import com.distpatterns.consensus.raft.Ready;
import com.distpatterns.consensus.raft.Snapshot;
import com.distpatterns.consensus.raft.SnapshotMetadata;
import com.distpatterns.consensus.raft.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link Storage} on disk: the write-ahead log and snapshot files under a data directory, with the
 * entries since the last compaction cached in a {@link MemoryStorage} the engine reads from.
 *
 * <p>{@link #persist(Ready)} makes what a Ready asks durable with one fsync; {@link #snapshotAt} records the state
 * machine's image and lets the log segments it covers go. Confined to the driver thread.
 */
public final class DurableStorage implements Storage {

    private static final Logger log = LoggerFactory.getLogger(DurableStorage.class);

    private final MemoryStorage memory = new MemoryStorage();
    private final WriteAheadLog wal;
    private final SnapshotFiles snapshots;
    private final WriteFault fault;
    private StorageFailedException failure;

    private DurableStorage(WriteAheadLog wal, SnapshotFiles snapshots, WriteFault fault) {
        this.wal = wal;
        this.snapshots = snapshots;
        this.fault = fault;
    }

    /**
     * Opens (or creates) the storage in {@code dataDir} and rebuilds the log from disk.
     *
     * @param founding the snapshot a founding member of a new cluster starts from when the directory is empty (the
     *     membership at index 1, term 1); empty for a server that joins an existing cluster and learns it from a leader
     */
    public static DurableStorage open(Path dataDir, long segmentBytes, WriteFault fault, Optional<Snapshot> founding)
            throws IOException {
        WriteAheadLog wal = WriteAheadLog.open(dataDir.resolve("wal"), segmentBytes, fault);
        DurableStorage storage = new DurableStorage(wal, new SnapshotFiles(dataDir.resolve("snap")), fault);
        storage.rebuild(founding);
        return storage;
    }

    private void rebuild(Optional<Snapshot> founding) throws IOException {
        Optional<Snapshot> base = snapshots.loadNewest();
        List<WalRecord> records = new ArrayList<>(wal.takeRecovered());
        if (base.isEmpty() && records.isEmpty() && founding.isPresent()) {
            snapshots.save(founding.get(), fault);
            WalRecord initial = new WalRecord.HardStateRecord(
                    new HardState(founding.get().term(), 0, founding.get().index()));
            wal.append(initial);
            wal.sync();
            records.add(initial);
            base = founding;
            log.info("New data directory: bootstrapped as a founding member of {}",
                    founding.get().metadata().confState());
        }
        long baseIndex = base.map(Snapshot::index).orElse(0L);
        List<Entry> entries = new ArrayList<>();
        HardState hardState = HardState.EMPTY;
        for (WalRecord record : records) {
            switch (record) {
                case WalRecord.HardStateRecord h -> hardState = h.hardState();
                case WalRecord.SnapshotRecord s -> {
                    if (s.index() > baseIndex) {
                        throw new IllegalStateException("the log was reset to a snapshot at " + s.index()
                                + " but the newest readable snapshot file is at " + baseIndex);
                    }
                    entries.clear();
                }
                case WalRecord.EntryRecord e -> {
                    long index = e.entry().index();
                    if (index <= baseIndex) {
                        continue;
                    }
                    long expected = entries.isEmpty() ? baseIndex + 1 : entries.getLast().index() + 1;
                    if (index > expected) {
                        throw new IllegalStateException("the log skips from " + (expected - 1) + " to " + index);
                    }
                    while (!entries.isEmpty() && entries.getLast().index() >= index) {
                        entries.removeLast();
                    }
                    entries.add(e.entry());
                }
            }
        }
        if (base.isPresent() && baseIndex > 0) {
            memory.applySnapshot(base.get());
        }
        memory.append(entries);
        if (!hardState.isEmpty()) {
            // The commit index need not be durable; a tail dropped as torn may have held entries it counted.
            memory.setHardState(new HardState(hardState.term(), hardState.vote(),
                    Math.min(hardState.commit(), memory.lastIndex())));
        }
        log.info("Storage recovered: snapshot at {}, entries {}..{}, {}", baseIndex, memory.firstIndex(),
                memory.lastIndex(), memory.hardState());
    }

    /** Whether this server has nothing: no snapshot, no log; it waits for a leader to send it the cluster. */
    public boolean isEmpty() {
        return memory.snapshot().index() == 0 && memory.lastIndex() == 0;
    }

    /**
     * Makes the Ready's snapshot, entries and hard state durable, with one fsync for all of them.
     *
     * @throws StorageFailedException if the disk refused; the storage then refuses everything until restarted
     */
    public void persist(Ready ready) {
        checkHealthy();
        if (!ready.mustPersist()) {
            return;
        }
        try {
            Optional<Snapshot> snapshot = ready.snapshot();
            if (snapshot.isPresent()) {
                snapshots.save(snapshot.get(), fault);
                wal.append(new WalRecord.SnapshotRecord(snapshot.get().index(), snapshot.get().term()));
            }
            for (Entry entry : ready.entries()) {
                wal.append(new WalRecord.EntryRecord(entry));
            }
            ready.hardState().ifPresent(hs -> wal.append(new WalRecord.HardStateRecord(hs)));
            if (mustSync(ready)) {
                wal.sync();
            }
        } catch (IOException e) {
            throw fail(e);
        } catch (StorageFailedException e) {
            failure = e;
            throw e;
        }
        ready.snapshot().ifPresent(memory::applySnapshot);
        memory.append(ready.entries());
        ready.hardState().ifPresent(memory::setHardState);
    }

    /**
     * Whether the Ready needs an fsync before anything is sent or answered: new entries, a snapshot, a new term or
     * vote. A hard state whose only change is the commit index does not (as in etcd's MustSync): the commit index is
     * volatile in Raft, a restarted node learns it again from the leader, and every entry at or below it was fsynced
     * before it could be committed. Its record stays buffered and reaches the disk with the next fsync; a crash
     * before then restarts the node at an older commit index, which is safe (the store skips entries it applied).
     * One fsync fewer for every commit-only Ready: on a busy leader, every follower acknowledgement handled alone.
     */
    private boolean mustSync(Ready ready) {
        if (!ready.entries().isEmpty() || ready.snapshot().isPresent()) {
            return true;
        }
        HardState before = memory.hardState();
        return ready.hardState().map(hs -> hs.term() != before.term() || hs.vote() != before.vote()).orElse(false);
    }

    /**
     * Records the state machine's image at the applied {@code index} durably, then drops the entries before
     * {@code index - keepEntries} from memory and the log segments that hold only such entries.
     */
    public void snapshotAt(long index, ConfState confState, byte[] data, long keepEntries) {
        snapshotAt(index, confState, data, keepEntries, Long.MAX_VALUE);
    }

    /**
     * As {@link #snapshotAt(long, ConfState, byte[], long)}, keeping fewer entries if those would hold more than
     * {@code keepBytes}: what bounds the log's share of the heap when values are large.
     */
    public void snapshotAt(long index, ConfState confState, byte[] data, long keepEntries, long keepBytes) {
        checkHealthy();
        Snapshot snapshot = new Snapshot(new SnapshotMetadata(index, memory.term(index), confState), data);
        try {
            snapshots.save(snapshot, fault);
        } catch (IOException e) {
            throw fail(e);
        }
        memory.createSnapshot(index, confState, data);
        long compactTo = Math.max(memory.firstIndex() - 1, index - keepEntries);
        if (keepBytes < Long.MAX_VALUE && compactTo < index) {
            long bytes = 0;
            for (Entry entry : memory.entries(compactTo + 1, index + 1, Long.MAX_VALUE)) {
                bytes += entry.data().length;
            }
            for (long i = compactTo + 1; bytes > keepBytes && i <= index; i++) {
                bytes -= memory.entries(i, i + 1, Long.MAX_VALUE).getFirst().data().length;
                compactTo = i;
            }
        }
        memory.compact(compactTo);
        wal.releaseTo(compactTo);
    }

    private StorageFailedException fail(IOException e) {
        failure = new StorageFailedException("the disk refused a write: " + e.getMessage(), e);
        log.error("Storage failed, the node acknowledges no more writes until restarted: {}", e.toString());
        return failure;
    }

    /** Whether a write or fsync failed: the node must not acknowledge anything any more. */
    public boolean failed() {
        return failure != null || wal.failed();
    }

    private void checkHealthy() {
        if (failure != null) {
            throw failure;
        }
    }

    public HardState hardState() {
        return memory.hardState();
    }

    @Override
    public InitialState initialState() {
        return memory.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        return memory.entries(lo, hi, maxBytes);
    }

    @Override
    public long term(long index) {
        return memory.term(index);
    }

    @Override
    public long firstIndex() {
        return memory.firstIndex();
    }

    @Override
    public long lastIndex() {
        return memory.lastIndex();
    }

    @Override
    public Snapshot snapshot() {
        return memory.snapshot();
    }

    /** Closes the log file. */
    public void close() throws IOException {
        wal.close();
    }
}
