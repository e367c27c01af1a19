package com.distpatterns.consensus.raft.sim;

import com.distpatterns.consensus.core.KvResult;
import com.distpatterns.consensus.core.KvStore;
import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.consensus.raft.MemoryStorage;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.ReadyProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** One simulated server: its disk survives crashes; the engine, the store and waiting callers do not. */
final class SimNode {

    /** A caller waiting for its proposal at (index, term) to be applied here. */
    record PendingWrite(long term, Consumer<KvResult> onApplied, Runnable onLost) {}

    /** A caller waiting for a linearizable read of {@code key}. */
    record PendingRead(String key, Consumer<Optional<Versioned>> onRead) {}

    final long id;
    final MemoryStorage disk;
    RaftNode raft;
    ReadyProcessor processor;
    boolean powerLossArmed;
    KvStore store;
    long applied;
    int incarnation;
    boolean readyScheduled;
    boolean retired;
    final TreeMap<Long, PendingWrite> pendingWrites = new TreeMap<>();
    final Map<Long, PendingRead> pendingReads = new HashMap<>();

    SimNode(long id, MemoryStorage disk) {
        this.id = id;
        this.disk = disk;
    }

    boolean isUp() {
        return raft != null;
    }

    void crash() {
        raft = null;
        store = null;
        incarnation++;
        readyScheduled = false;
        pendingWrites.clear();
        pendingReads.clear();
    }
}
