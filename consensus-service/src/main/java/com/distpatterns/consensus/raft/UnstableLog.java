package com.distpatterns.consensus.raft;

import java.util.ArrayList;
import java.util.List;

/** Entries and a snapshot the engine holds that the driver has not yet persisted. */
final class UnstableLog {

    private Snapshot snapshot;
    private ArrayList<Entry> entries = new ArrayList<>();
    // Index of entries.get(0); entries before it are in storage or in the snapshot.
    private long offset;

    UnstableLog(long offset) {
        this.offset = offset;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    List<Entry> entries() {
        return entries;
    }

    long offset() {
        return offset;
    }

    /** The first index known only here: the pending snapshot's successor, or -1 when storage decides. */
    long maybeFirstIndex() {
        return snapshot == null ? -1 : snapshot.index() + 1;
    }

    /** The last index known here, or -1 when storage decides. */
    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot == null ? -1 : snapshot.index();
    }

    /** The term at an index known here, or -1 when storage decides. */
    long maybeTerm(long index) {
        if (index < offset) {
            return snapshot != null && snapshot.index() == index ? snapshot.term() : -1;
        }
        long last = maybeLastIndex();
        if (last < 0 || index > last) {
            return -1;
        }
        return entries.get((int) (index - offset)).term();
    }

    void stableTo(long index, long term) {
        if (index < offset || maybeTerm(index) != term) {
            return; // overwritten since the Ready was built: the newer entries stay unstable
        }
        entries.subList(0, (int) (index - offset) + 1).clear();
        if (entries.isEmpty()) {
            entries = new ArrayList<>(); // let a large backing array from a burst be collected
        }
        offset = index + 1;
    }

    void stableSnapshotTo(long index) {
        if (snapshot != null && snapshot.index() == index) {
            snapshot = null;
        }
    }

    void restore(Snapshot incoming) {
        offset = incoming.index() + 1;
        entries = new ArrayList<>();
        snapshot = incoming;
    }

    void truncateAndAppend(List<Entry> fresh) {
        long after = fresh.getFirst().index();
        if (after == offset + entries.size()) {
            entries.addAll(fresh);
        } else if (after <= offset) {
            // The new entries replace everything unstable, and storage is overwritten from `after` on persist.
            offset = after;
            entries = new ArrayList<>(fresh);
        } else {
            entries.subList((int) (after - offset), entries.size()).clear();
            entries.addAll(fresh);
        }
    }

    List<Entry> slice(long lo, long hi) {
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }
}
