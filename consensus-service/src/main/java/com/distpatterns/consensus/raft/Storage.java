package com.distpatterns.consensus.raft;

import java.util.List;

/**
 * The durable log as the engine reads it: entries, terms, the last snapshot and the saved hard state.
 *
 * <p>The engine never writes here. The driver writes what each {@link Ready} asks to persist (entries, hard
 * state, snapshot), through its concrete storage, before it sends the Ready's {@code messagesAfterPersist}. Indices form one
 * contiguous range {@code [firstIndex(), lastIndex()]}; everything before it is covered by {@link #snapshot()}.
 */
public interface Storage {

    /** The saved hard state and the membership of the last snapshot, read once when a node starts. */
    InitialState initialState();

    /**
     * Entries in {@code [lo, hi)}, stopping before {@code maxBytes} is exceeded but always at least one.
     *
     * @throws LogCompactedException if {@code lo < firstIndex()}
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * The term of the entry at {@code index}, for any index in {@code [firstIndex() - 1, lastIndex()]}.
     *
     * @throws LogCompactedException if the index is before {@code firstIndex() - 1}
     */
    long term(long index);

    /** The first index still held as an entry: the snapshot's index plus one. */
    long firstIndex();

    /** The last index held; {@code firstIndex() - 1} when the log holds no entries. */
    long lastIndex();

    /** The most recent snapshot, the one that covers everything before {@link #firstIndex()}. */
    Snapshot snapshot();

    /** What a restarting node picks up from disk. */
    record InitialState(HardState hardState, ConfState confState) {}
}
