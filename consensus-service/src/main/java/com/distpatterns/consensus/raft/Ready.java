package com.distpatterns.consensus.raft;

import java.util.List;
import java.util.Optional;

/**
 * Everything a node produced since the last {@link RaftNode#advance(Ready)}, to be handled in this order:
 * <ol>
 *   <li>persist {@code snapshot}, {@code entries} and {@code hardState} durably (fsync);</li>
 *   <li>only then send {@code messages}: they promise what was just persisted;</li>
 *   <li>restore the state machine from {@code snapshot} if present, apply {@code committedEntries} in order;</li>
 *   <li>serve {@code readStates} from the state machine as it now is;</li>
 *   <li>call {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 */
public record Ready(Optional<HardState> hardState, List<Entry> entries, Optional<Snapshot> snapshot,
                    List<Entry> committedEntries, List<Message> messages, List<ReadState> readStates) {

    public Ready {
        entries = List.copyOf(entries);
        committedEntries = List.copyOf(committedEntries);
        messages = List.copyOf(messages);
        readStates = List.copyOf(readStates);
    }

    /** Whether anything must reach the disk before {@link #messages()} may be sent. */
    public boolean mustPersist() {
        return hardState.isPresent() || !entries.isEmpty() || snapshot.isPresent();
    }
}
