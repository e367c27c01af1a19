package com.distpatterns.consensus.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The log as one node sees it: persisted entries in {@link Storage}, newer ones not yet persisted, and the
 * commit and applied marks. Public methods only read; the engine changes it.
 */
public final class RaftLog {

    private final Storage storage;
    private final UnstableLog unstable;
    private long committed;
    private long applied;

    RaftLog(Storage storage) {
        this.storage = storage;
        this.unstable = new UnstableLog(storage.lastIndex() + 1);
        // The state machine restarts from the snapshot, which may lie past entries kept for slow followers.
        long snapshotIndex = storage.snapshot().index();
        this.committed = snapshotIndex;
        this.applied = snapshotIndex;
    }

    public long committed() {
        return committed;
    }

    public long applied() {
        return applied;
    }

    public long firstIndex() {
        long index = unstable.maybeFirstIndex();
        return index >= 0 ? index : storage.firstIndex();
    }

    public long lastIndex() {
        long index = unstable.maybeLastIndex();
        return index >= 0 ? index : storage.lastIndex();
    }

    public long lastTerm() {
        return term(lastIndex());
    }

    /**
     * The term of the entry at {@code index}; 0 past the last index.
     *
     * @throws LogCompactedException if the index is before {@code firstIndex() - 1}
     */
    public long term(long index) {
        long dummy = firstIndex() - 1;
        if (index < dummy) {
            throw new LogCompactedException(index, dummy + 1);
        }
        if (index > lastIndex()) {
            return 0;
        }
        long term = unstable.maybeTerm(index);
        return term >= 0 ? term : storage.term(index);
    }

    /** Entries in {@code [lo, hi)}, at most {@code maxBytes} of them but at least one. */
    public List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo < firstIndex()) {
            throw new LogCompactedException(lo, firstIndex());
        }
        if (hi > lastIndex() + 1 || lo > hi) {
            throw new IllegalArgumentException(
                    "range [" + lo + ", " + hi + ") is outside the log up to " + lastIndex());
        }
        if (lo == hi) {
            return List.of();
        }
        long unstableFrom = unstable.offset();
        // One copy where the range lies on one side: Ready and AppendEntries keep an immutable list as it is, and
        // the ArrayList this method otherwise fills was copied once more by each (JFR, 2026-12-03).
        if (hi <= unstableFrom) {
            return limitSize(storage.entries(lo, hi, maxBytes), maxBytes);
        }
        if (lo >= unstableFrom) {
            return limitSize(List.copyOf(unstable.slice(lo, hi)), maxBytes);
        }
        List<Entry> result = new ArrayList<>();
        if (lo < unstableFrom) {
            result.addAll(storage.entries(lo, Math.min(hi, unstableFrom), maxBytes));
            if (result.size() < Math.min(hi, unstableFrom) - lo) {
                return result; // the size limit cut the stored part short
            }
        }
        if (hi > unstableFrom) {
            result.addAll(unstable.slice(Math.max(lo, unstableFrom), hi));
        }
        return limitSize(result, maxBytes);
    }

    static List<Entry> limitSize(List<Entry> entries, long maxBytes) {
        if (entries.size() <= 1) {
            return entries; // at least one is kept whatever its size
        }
        long size = 0;
        for (int i = 0; i < entries.size(); i++) {
            size += entries.get(i).sizeBytes();
            if (size > maxBytes && i > 0) {
                return entries.subList(0, i);
            }
        }
        return entries;
    }

    boolean matchTerm(long index, long term) {
        try {
            return index <= lastIndex() && term(index) == term;
        } catch (LogCompactedException e) {
            return false;
        }
    }

    /** Whether a candidate whose log ends at (index, term) is at least as up to date as this log (5.4.1). */
    boolean isUpToDate(long index, long term) {
        long lastTerm = lastTerm();
        return term > lastTerm || (term == lastTerm && index >= lastIndex());
    }

    /**
     * Appends the leader's entries if the log matches at (prevIndex, prevTerm), dropping any conflicting
     * suffix, and moves the commit mark. Returns the last index now known to match the leader, or -1.
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> entries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + entries.size();
        long conflict = findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException(
                        "entry " + conflict + " conflicts with committed entry (commit " + committed + ")");
            }
            append(entries.subList((int) (conflict - entries.getFirst().index()), entries.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** The index of the first entry that is new or differs in term from ours; 0 when all are present. */
    long findConflict(List<Entry> entries) {
        if (!entries.isEmpty() && entries.getFirst().index() > lastIndex()) {
            return entries.getFirst().index(); // the common case: all new, nothing to compare
        }
        for (Entry entry : entries) {
            if (!matchTerm(entry.index(), entry.term())) {
                return entry.index();
            }
        }
        return 0;
    }

    /**
     * The last index at or below {@code index} whose term is at most {@code term}: where a leader and a
     * follower can next agree, skipping a whole term of conflicting entries per round trip.
     */
    long findConflictByTerm(long index, long term) {
        for (long i = Math.min(index, lastIndex()); i > 0; i--) {
            try {
                if (term(i) <= term) {
                    return i;
                }
            } catch (LogCompactedException e) {
                return i;
            }
        }
        return 0;
    }

    long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.getFirst().index() - 1;
        if (after < committed) {
            throw new IllegalStateException(
                    "appending after " + after + " would overwrite committed entries up to " + committed);
        }
        unstable.truncateAndAppend(entries);
        return lastIndex();
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " is past the last index " + lastIndex());
            }
            committed = index;
        }
    }

    /** Commits up to {@code index} if that entry is of {@code term}: a leader counts replicas only in its term. */
    boolean maybeCommit(long index, long term) {
        if (index > committed && term(index) == term) {
            commitTo(index);
            return true;
        }
        return false;
    }

    void appliedTo(long index) {
        if (index > committed || index < applied) {
            throw new IllegalStateException("applied " + index + " outside [" + applied + ", " + committed + "]");
        }
        applied = index;
    }

    boolean hasUnstable() {
        return !unstable.entries().isEmpty() || unstable.snapshot() != null;
    }

    List<Entry> unstableEntries() {
        return List.copyOf(unstable.entries());
    }

    Snapshot unstableSnapshot() {
        return unstable.snapshot();
    }

    boolean hasNextCommittedEntries() {
        return unstable.snapshot() == null && committed > applied;
    }

    List<Entry> nextCommittedEntries(long maxBytes) {
        if (!hasNextCommittedEntries()) {
            return List.of();
        }
        return slice(Math.max(applied + 1, firstIndex()), committed + 1, maxBytes);
    }

    Snapshot snapshot() {
        Snapshot pending = unstable.snapshot();
        return pending != null ? pending : storage.snapshot();
    }

    /** The last index already handed out to be persisted in an earlier Ready: durable once that Ready was advanced. */
    long lastStableIndex() {
        return unstable.entries().isEmpty() ? lastIndex() : unstable.offset() - 1;
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapshotTo(long index) {
        unstable.stableSnapshotTo(index);
    }

    void restore(Snapshot snapshot) {
        committed = snapshot.index();
        unstable.restore(snapshot);
    }

    void restoreCommitted(long commit) {
        committed = commit;
    }
}
