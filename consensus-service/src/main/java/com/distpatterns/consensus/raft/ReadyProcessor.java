package com.distpatterns.consensus.raft;

import java.util.List;
import java.util.Objects;

/**
 * The one handler of {@link Ready}s: the service's driver, the simulation, the scripted tests and the benchmark all
 * run a node through it, so the order they test is the order that ships. Not thread-safe: the thread that drives the
 * node calls {@link #process}.
 */
public final class ReadyProcessor {

    /** Where a Ready's log writes go. */
    public interface LogWriter {
        /** Makes the Ready's snapshot, entries and hard state durable; returns only once they are (or throws). */
        void persist(Ready ready);
    }

    /** Where messages go; sending may drop them, as networks do. */
    public interface Transport {
        void send(List<Message> messages);
    }

    /** The replicated state machine and the callers waiting on it. */
    public interface StateMachine {
        /** Before a snapshot from the leader is persisted: fetch whatever data it stands for that is not in it. */
        default void prepare(Snapshot snapshot) {}

        /** Replaces the state with a persisted snapshot from the leader. */
        void restore(Snapshot snapshot);

        /** Applies committed entries in order, then serves the reads now safe to serve. */
        void apply(List<Entry> committed, List<ReadState> reads);

        /** After the node took the Ready back: housekeeping such as snapshots, promotions, publishing status. */
        default void afterAdvance() {}
    }

    private final LogWriter log;
    private final Transport transport;
    private final StateMachine stateMachine;

    public ReadyProcessor(LogWriter log, Transport transport, StateMachine stateMachine) {
        this.log = Objects.requireNonNull(log, "log");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
    }

    /** Handles one Ready if the node has one; returns whether it had. An exception leaves the node unusable. */
    public boolean process(RaftNode node) {
        if (!node.hasReady()) {
            return false;
        }
        Ready ready = node.ready();
        // Appends and heartbeats leave while this node writes its own copy (Raft thesis 10.2.1): the engine counts
        // that copy only in advance(), after the fsync.
        transport.send(ready.messages());
        // Entries already durable here need not wait for this Ready's fsync: that takes one fsync off a write's path.
        boolean applyFirst = ready.committedAreDurable();
        if (applyFirst) {
            stateMachine.apply(ready.committedEntries(), ready.readStates());
        }
        if (ready.mustPersist()) {
            ready.snapshot().ifPresent(stateMachine::prepare);
            log.persist(ready);
        }
        transport.send(ready.messagesAfterPersist());
        if (!applyFirst) {
            ready.snapshot().ifPresent(stateMachine::restore);
            stateMachine.apply(ready.committedEntries(), ready.readStates());
        }
        node.advance(ready);
        stateMachine.afterAdvance();
        return true;
    }
}
