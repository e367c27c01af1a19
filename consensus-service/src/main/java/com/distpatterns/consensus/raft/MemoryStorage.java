package com.distpatterns.consensus.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link Storage} held in memory, written by the driver as it handles each {@link Ready}.
 *
 * <p>Serves tests, the simulator (where it plays the disk that survives a crash) and the benchmark. Like the
 * engine it is confined to the one thread that drives the node.
 */
public final class MemoryStorage implements Storage {

    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot;
    // entries.get(0) stands for the snapshot's last entry (index and term only); real entries follow it.
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** A storage for a server that joins an existing cluster: no members, no log, until a leader reaches it. */
    public MemoryStorage() {
        this.snapshot = new Snapshot(new SnapshotMetadata(0, 0, ConfState.EMPTY), new byte[0]);
        entries.add(sentinel(0, 0));
    }

    /**
     * A storage for a founding member of a new cluster. The membership is recorded as a snapshot at index 1,
     * term 1, so every server that joins later learns it the one way joiners learn anything old: a snapshot.
     */
    public static MemoryStorage bootstrap(ConfState members) {
        if (members.voters().isEmpty()) {
            throw new IllegalArgumentException("a new cluster needs at least one voter");
        }
        MemoryStorage storage = new MemoryStorage();
        storage.applySnapshot(new Snapshot(new SnapshotMetadata(1, 1, members), new byte[0]));
        storage.setHardState(new HardState(1, RaftNode.NONE, 1));
        return storage;
    }

    private static Entry sentinel(long index, long term) {
        return Entry.normal(term, index, new byte[0]);
    }

    @Override
    public InitialState initialState() {
        return new InitialState(hardState, snapshot.metadata().confState());
    }

    public HardState hardState() {
        return hardState;
    }

    public void setHardState(HardState hardState) {
        this.hardState = Objects.requireNonNull(hardState);
    }

    private long offset() {
        return entries.getFirst().index();
    }

    @Override
    public long firstIndex() {
        return offset() + 1;
    }

    @Override
    public long lastIndex() {
        return offset() + entries.size() - 1;
    }

    @Override
    public long term(long index) {
        long offset = offset();
        if (index < offset) {
            throw new LogCompactedException(index, firstIndex());
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("index " + index + " is past the last index " + lastIndex());
        }
        return entries.get((int) (index - offset)).term();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        long offset = offset();
        if (lo <= offset) {
            throw new LogCompactedException(lo, firstIndex());
        }
        if (hi > lastIndex() + 1 || lo > hi) {
            throw new IllegalArgumentException(
                    "range [" + lo + ", " + hi + ") is outside [" + firstIndex() + ", " + (lastIndex() + 1) + ")");
        }
        List<Entry> slice = entries.subList((int) (lo - offset), (int) (hi - offset));
        return List.copyOf(RaftLog.limitSize(slice, maxBytes)); // immutable: a Ready hands it on uncopied
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Persists entries, replacing any stored entries from the first new index on (a leader overwrote them).
     * Entries the snapshot already covers are skipped.
     */
    public void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = firstIndex();
        long last = newEntries.getLast().index();
        if (last < first) {
            return;
        }
        List<Entry> fresh = newEntries;
        if (first > newEntries.getFirst().index()) {
            fresh = newEntries.subList((int) (first - newEntries.getFirst().index()), newEntries.size());
        }
        long at = fresh.getFirst().index() - offset();
        if (at > entries.size()) {
            throw new IllegalArgumentException(
                    "gap: appending index " + fresh.getFirst().index() + " after last index " + lastIndex());
        }
        entries.subList((int) at, entries.size()).clear();
        entries.addAll(fresh);
    }

    /** Replaces the whole log by a snapshot received from the leader. */
    /** Writes what a Ready asks to persist; in memory, so "durable" means until the object is dropped. */
    public void persist(Ready ready) {
        ready.snapshot().ifPresent(this::applySnapshot);
        append(ready.entries());
        ready.hardState().ifPresent(this::setHardState);
    }

    public void applySnapshot(Snapshot incoming) {
        if (incoming.index() <= snapshot.index() && snapshot.index() > 0) {
            throw new IllegalArgumentException(
                    "snapshot at " + incoming.index() + " is older than the one at " + snapshot.index());
        }
        snapshot = incoming;
        entries.clear();
        entries.add(sentinel(incoming.index(), incoming.term()));
    }

    /**
     * Records the state machine's image at an applied index, for slow followers and restarts. Does not drop
     * entries: call {@link #compact(long)} for that, perhaps keeping a tail for followers that lag a little.
     */
    public Snapshot createSnapshot(long index, ConfState confState, byte[] data) {
        if (index <= snapshot.index()) {
            throw new IllegalArgumentException("index " + index + " is not after the snapshot at " + snapshot.index());
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("index " + index + " is past the last index " + lastIndex());
        }
        snapshot = new Snapshot(new SnapshotMetadata(index, term(index), confState), data);
        return snapshot;
    }

    /** Drops the entries up to and including {@code index}, which a snapshot must already cover. */
    public void compact(long index) {
        long offset = offset();
        if (index <= offset) {
            return;
        }
        if (index > snapshot.index()) {
            throw new IllegalArgumentException(
                    "cannot compact to " + index + " past the snapshot at " + snapshot.index());
        }
        Entry last = entries.get((int) (index - offset));
        entries.subList(0, (int) (index - offset) + 1).clear();
        entries.addFirst(sentinel(index, last.term()));
    }
}
