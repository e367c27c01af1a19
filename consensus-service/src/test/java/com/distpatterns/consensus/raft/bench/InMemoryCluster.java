package com.distpatterns.consensus.raft.bench;

import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.MemoryStorage;
import com.distpatterns.consensus.raft.Message;
import com.distpatterns.consensus.raft.RaftConfig;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.ReadState;
import com.distpatterns.consensus.raft.ReadyProcessor;
import com.distpatterns.consensus.raft.Snapshot;
import com.distpatterns.consensus.raft.Role;
import java.util.ArrayDeque;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Three engines wired by in-memory queues with no I/O and no clock: each Ready is "persisted" to a
 * {@link MemoryStorage}, its messages queued, its entries counted as applied. What it measures is the
 * engine itself.
 */
final class InMemoryCluster {

    private static final long COMPACT_EVERY = 200_000;

    private final RaftNode[] nodes;
    private final MemoryStorage[] storages;
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    private final long[] applied;
    private final ReadyProcessor[] processors;

    InMemoryCluster(int size) {
        ConfState members = ConfState.ofVoters(LongStream.rangeClosed(1, size).boxed().toList());
        nodes = new RaftNode[size];
        storages = new MemoryStorage[size];
        applied = new long[size];
        processors = new ReadyProcessor[size];
        for (int i = 0; i < size; i++) {
            storages[i] = MemoryStorage.bootstrap(members);
            nodes[i] = new RaftNode(RaftConfig.defaults(i + 1).withMaxInflight(256).withMaxBatchBytes(4 << 20),
                    storages[i]);
            processors[i] = processor(i);
        }
        nodes[0].campaign();
        pumpUntil(() -> nodes[0].role() == Role.LEADER && applied[0] >= nodes[0].log().lastIndex());
    }

    RaftNode leader() {
        return nodes[0];
    }

    long leaderApplied() {
        return applied[0];
    }

    /** Hands out Readies and delivers messages until the condition holds. */
    void pumpUntil(java.util.function.BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            boolean progressed = false;
            for (int i = 0; i < nodes.length; i++) {
                progressed |= handleReady(i);
            }
            Message message;
            while ((message = inFlight.poll()) != null) {
                nodes[(int) message.to() - 1].step(message);
                progressed = true;
            }
            if (!progressed) {
                throw new IllegalStateException("the cluster went quiet before the condition held");
            }
        }
    }

    private boolean handleReady(int i) {
        return processors[i].process(nodes[i]);
    }

    /** The one Ready order, over a MemoryStorage, the in-flight queue and a counter of applied entries. */
    private ReadyProcessor processor(int i) {
        return new ReadyProcessor(storages[i]::persist, inFlight::addAll, new ReadyProcessor.StateMachine() {
            @Override
            public void restore(Snapshot snapshot) {
                applied[i] = snapshot.index();
            }

            @Override
            public void apply(List<Entry> committed, List<ReadState> reads) {
                if (!committed.isEmpty()) {
                    applied[i] = committed.getLast().index();
                }
            }

            @Override
            public void afterAdvance() {
                if (applied[i] - storages[i].snapshot().index() > COMPACT_EVERY) {
                    storages[i].createSnapshot(applied[i], nodes[i].confState(), new byte[0]);
                    storages[i].compact(applied[i]);
                }
            }
        });
    }
}
