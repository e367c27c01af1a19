package com.distpatterns.consensus.raft;

import java.util.List;
import java.util.Optional;

/**
 * Everything a node produced since the last {@link RaftNode#advance(Ready)}. {@link ReadyProcessor} handles it in
 * the one order every driver uses:
 * <ol>
 *   <li>send {@code messages}: they promise nothing about this node's disk, so they may leave while it is written;</li>
 *   <li>if {@link #committedAreDurable()}, apply {@code committedEntries} and serve {@code readStates} now;</li>
 *   <li>persist {@code snapshot}, {@code entries} and {@code hardState} durably (fsync);</li>
 *   <li>only then send {@code messagesAfterPersist}: append and vote answers, which promise what was just persisted;</li>
 *   <li>otherwise now: restore the state machine from {@code snapshot}, apply {@code committedEntries}, serve
 *       {@code readStates};</li>
 *   <li>call {@link RaftNode#advance(Ready)}: the leader counts its own new entries toward a commit only then.</li>
 * </ol>
 *
 * @param messages may be sent before the Ready is persisted
 * @param messagesAfterPersist may be sent only after it is persisted
 */
public record Ready(Optional<HardState> hardState, List<Entry> entries, Optional<Snapshot> snapshot,
        List<Entry> committedEntries, List<Message> messages, List<Message> messagesAfterPersist,
        List<ReadState> readStates) {

    public Ready {
        entries = copy(entries);
        committedEntries = copy(committedEntries);
        messages = copy(messages);
        messagesAfterPersist = copy(messagesAfterPersist);
        readStates = copy(readStates);
    }

    /**
     * An immutable copy; free for the immutable lists the engine hands over, which {@link List#copyOf} keeps as they
     * are. Most lists of a Ready are empty, and copying an empty ArrayList still allocates an empty array.
     */
    private static <T> List<T> copy(List<T> list) {
        return list.isEmpty() ? List.of() : List.copyOf(list);
    }

    /** Whether anything must reach the disk before {@link #messagesAfterPersist()} may be sent. */
    public boolean mustPersist() {
        return hardState.isPresent() || !entries.isEmpty() || snapshot.isPresent();
    }

    /**
     * Whether every committed entry handed out is already on this node's disk (persisted by an earlier Ready, since
     * none is among this Ready's {@code entries}), so applying them need not wait for this Ready's fsync.
     */
    public boolean committedAreDurable() {
        return snapshot.isEmpty() && (committedEntries.isEmpty() || entries.isEmpty()
                || committedEntries.getLast().index() < entries.getFirst().index());
    }
}
