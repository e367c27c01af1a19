package com.distpatterns.consensus.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.LongStream;

/**
 * Nodes wired together by hand, in the manner of etcd's raft tests: messages are delivered one by one until
 * none are left, each node's Ready is persisted and advanced as it comes, and links can be cut or filtered.
 */
final class ScriptedCluster {

    final Map<Long, RaftNode> nodes = new TreeMap<>();
    final Map<Long, MemoryStorage> storages = new TreeMap<>();
    final Map<Long, List<Entry>> applied = new TreeMap<>();
    final Map<Long, List<ReadState>> reads = new TreeMap<>();
    final List<Message> delivered = new ArrayList<>();
    private final Set<Long> isolated = new HashSet<>();
    private Predicate<Message> drop = m -> false;

    ScriptedCluster(int size, java.util.function.LongFunction<RaftConfig> config) {
        ConfState members = ConfState.ofVoters(LongStream.rangeClosed(1, size).boxed().toList());
        for (long id = 1; id <= size; id++) {
            MemoryStorage storage = MemoryStorage.bootstrap(members);
            storages.put(id, storage);
            nodes.put(id, new RaftNode(config.apply(id), storage));
            applied.put(id, new ArrayList<>());
            reads.put(id, new ArrayList<>());
        }
    }

    ScriptedCluster(int size) {
        this(size, RaftConfig::defaults);
    }

    RaftNode node(long id) {
        return nodes.get(id);
    }

    void isolate(long id) {
        isolated.add(id);
    }

    void recover() {
        isolated.clear();
        drop = m -> false;
    }

    void dropWhen(Predicate<Message> filter) {
        drop = filter;
    }

    /** Handles one node's Ready as a driver must: persist, then hand out the messages, then apply. */
    List<Message> drain(long id) {
        RaftNode node = nodes.get(id);
        List<Message> out = new ArrayList<>();
        while (node.hasReady()) {
            Ready ready = node.ready();
            MemoryStorage storage = storages.get(id);
            ready.snapshot().ifPresent(storage::applySnapshot);
            storage.append(ready.entries());
            ready.hardState().ifPresent(storage::setHardState);
            out.addAll(ready.messages());
            applied.get(id).addAll(ready.committedEntries());
            reads.get(id).addAll(ready.readStates());
            node.advance(ready);
        }
        return out;
    }

    /** Delivers the messages, and everything they cause, until the cluster is quiet. */
    void deliver(List<Message> messages) {
        ArrayDeque<Message> queue = new ArrayDeque<>(messages);
        while (!queue.isEmpty()) {
            Message m = queue.poll();
            if (isolated.contains(m.from()) || isolated.contains(m.to()) || drop.test(m) || !nodes.containsKey(m.to())) {
                continue;
            }
            delivered.add(m);
            nodes.get(m.to()).step(m);
            queue.addAll(drain(m.to()));
        }
    }

    /** Lets every node speak, then delivers until quiet. */
    void settle() {
        List<Message> out = new ArrayList<>();
        for (long id : nodes.keySet()) {
            out.addAll(drain(id));
        }
        deliver(out);
    }

    void campaign(long id) {
        nodes.get(id).campaign();
        settle();
    }

    void tick(long id, int times) {
        for (int i = 0; i < times; i++) {
            nodes.get(id).tick();
        }
    }

    ProposalResult propose(long id, String command) {
        ProposalResult result = nodes.get(id).propose(command.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        settle();
        return result;
    }

    List<String> appliedCommands(long id) {
        return applied.get(id).stream().filter(e -> e.type() == Entry.Type.NORMAL && e.data().length > 0)
                .map(e -> new String(e.data(), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }
}
