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
 * Public for the paper's scenarios in the simulation package, which need every message under control.
 */
public final class ScriptedCluster {

    final Map<Long, RaftNode> nodes = new TreeMap<>();
    final Map<Long, MemoryStorage> storages = new TreeMap<>();
    final Map<Long, List<Entry>> applied = new TreeMap<>();
    final Map<Long, List<ReadState>> reads = new TreeMap<>();
    final List<Message> delivered = new ArrayList<>();
    private final Set<Long> isolated = new HashSet<>();
    private final Set<Long> crashed = new HashSet<>();
    private final java.util.function.LongFunction<RaftConfig> config;
    private Predicate<Message> drop = m -> false;

    public ScriptedCluster(int size, java.util.function.LongFunction<RaftConfig> config) {
        this.config = config;
        ConfState members = ConfState.ofVoters(LongStream.rangeClosed(1, size).boxed().toList());
        for (long id = 1; id <= size; id++) {
            MemoryStorage storage = MemoryStorage.bootstrap(members);
            storages.put(id, storage);
            nodes.put(id, new RaftNode(config.apply(id), storage));
            applied.put(id, new ArrayList<>());
            reads.put(id, new ArrayList<>());
        }
    }

    public ScriptedCluster(int size) {
        this(size, RaftConfig::defaults);
    }

    public RaftNode node(long id) {
        return nodes.get(id);
    }

    /** Starts a server that is no member yet, from an empty storage: it learns everything from the leader. */
    public void join(long id) {
        MemoryStorage storage = new MemoryStorage();
        storages.put(id, storage);
        nodes.put(id, new RaftNode(config.apply(id), storage));
        applied.put(id, new ArrayList<>());
        reads.put(id, new ArrayList<>());
    }

    /** Whether the node is running and connected: isolated or crashed ones are not. */
    public boolean reachable(long id) {
        return !isolated.contains(id) && !crashed.contains(id);
    }

    public void isolate(long id) {
        isolated.add(id);
    }

    /** Heals every cut link and stops dropping; crashed nodes stay down until restarted. */
    public void recover() {
        isolated.clear();
        drop = m -> false;
    }

    public void dropWhen(Predicate<Message> filter) {
        drop = filter;
    }

    /** Stops a node: it neither sends nor receives until {@link #restart}. Its storage holds all it persisted. */
    public void crash(long id) {
        crashed.add(id);
    }

    /** Starts a crashed node again from its storage, with its state machine rebuilt from the log. */
    public void restart(long id) {
        crashed.remove(id);
        nodes.put(id, new RaftNode(config.apply(id), storages.get(id)));
        applied.get(id).clear();
        reads.get(id).clear();
    }

    /** Handles the node's Readies through the one {@link ReadyProcessor}, collecting the messages they send. */
    List<Message> drain(long id) {
        List<Message> out = new ArrayList<>();
        ReadyProcessor processor = new ReadyProcessor(storages.get(id)::persist, out::addAll,
                new ReadyProcessor.StateMachine() {
                    @Override
                    public void restore(Snapshot snapshot) {}

                    @Override
                    public void apply(List<Entry> committed, List<ReadState> served) {
                        applied.get(id).addAll(committed);
                        reads.get(id).addAll(served);
                    }
                });
        RaftNode node = nodes.get(id);
        while (processor.process(node)) {
            // until the node has nothing more to hand out
        }
        return out;
    }

    /** Delivers the messages, and everything they cause, until the cluster is quiet. */
    void deliver(List<Message> messages) {
        ArrayDeque<Message> queue = new ArrayDeque<>(messages);
        while (!queue.isEmpty()) {
            Message m = queue.poll();
            if (isolated.contains(m.from()) || isolated.contains(m.to()) || crashed.contains(m.from())
                    || crashed.contains(m.to()) || drop.test(m) || !nodes.containsKey(m.to())) {
                continue;
            }
            delivered.add(m);
            nodes.get(m.to()).step(m);
            queue.addAll(drain(m.to()));
        }
    }

    /** Lets every running node speak, then delivers until quiet. */
    public void settle() {
        List<Message> out = new ArrayList<>();
        for (long id : nodes.keySet()) {
            if (!crashed.contains(id)) {
                out.addAll(drain(id));
            }
        }
        deliver(out);
    }

    public void campaign(long id) {
        nodes.get(id).campaign();
        settle();
    }

    public void tick(long id, int times) {
        for (int i = 0; i < times; i++) {
            nodes.get(id).tick();
        }
    }

    public ProposalResult propose(long id, String command) {
        ProposalResult result = nodes.get(id).propose(command.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        settle();
        return result;
    }

    /** The non-empty commands a node applied, in order, since it last started. */
    public List<String> appliedCommands(long id) {
        return applied.get(id).stream().filter(e -> e.type() == Entry.Type.NORMAL && e.data().length > 0)
                .map(e -> new String(e.data(), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }
}
