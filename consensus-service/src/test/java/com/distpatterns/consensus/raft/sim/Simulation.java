package com.distpatterns.consensus.raft.sim;

import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.core.KvResult;
import com.distpatterns.consensus.core.KvStore;
import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.HardState;
import com.distpatterns.consensus.raft.MemoryStorage;
import com.distpatterns.consensus.raft.Message;
import com.distpatterns.consensus.raft.MessageCodec;
import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.ReadState;
import com.distpatterns.consensus.raft.Ready;
import com.distpatterns.consensus.raft.ReadyProcessor;
import com.distpatterns.consensus.raft.Snapshot;
import com.distpatterns.consensus.raft.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.LongStream;

/**
 * A deterministic world of Raft servers: a simulated clock, a network that delays, drops, duplicates,
 * reorders and partitions, disks that keep only what was persisted across crashes. Everything random comes
 * from one seed, so a run replays exactly. The {@link SafetyMonitor} checks the paper's properties after
 * every step.
 */
public final class Simulation {

    private record Event(long time, long sequence, Runnable action, Object description) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private static final int TRACE_LENGTH = 40;

    private final long seed;
    private final SimulationConfig config;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    private final SafetyMonitor safety = new SafetyMonitor();
    private final Map<Long, Integer> partitionOf = new HashMap<>();
    private final Map<String, Long> messageCounts = new TreeMap<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private NetworkProfile network = NetworkProfile.RELIABLE;
    private long now;
    private long sequence;
    private long steps;
    private long messagesSent;
    private long rejectedAppends;
    private long nextReadContext = 1;
    private boolean powerLossOn = true;

    public Simulation(long seed, SimulationConfig config) {
        this.seed = seed;
        this.config = config;
        this.random = new SplittableRandom(seed);
        List<Long> founders = LongStream.rangeClosed(1, config.nodes()).boxed().toList();
        ConfState members = ConfState.ofVoters(founders);
        for (long id : founders) {
            addServer(id, MemoryStorage.bootstrap(members));
        }
    }

    private void addServer(long id, MemoryStorage disk) {
        SimNode node = new SimNode(id, disk);
        nodes.put(id, node);
        safety.registerNode(id, disk.snapshot());
        start(node);
    }

    // ---------------------------------------------------------------- the clock

    public long seed() {
        return seed;
    }

    public long now() {
        return now;
    }

    public long steps() {
        return steps;
    }

    public SplittableRandom random() {
        return random;
    }

    /** Runs an action at {@code delayMs} from now, in the order scheduled among equal times. */
    public void schedule(long delayMs, Object description, Runnable action) {
        events.add(new Event(now + delayMs, sequence++, action, description));
    }

    /** Processes one event; returns false when nothing is left to happen. */
    public boolean step() {
        Event event = events.poll();
        if (event == null) {
            return false;
        }
        now = event.time();
        steps++;
        remember(event.description());
        event.action().run();
        safety.afterStep(nodes.values());
        return true;
    }

    public void runFor(long ms) {
        long until = now + ms;
        while (!events.isEmpty() && events.peek().time() <= until) {
            step();
        }
        now = Math.max(now, until);
    }

    /** Runs until the condition holds, checked after each step, or {@code maxMs} passed; returns whether it held. */
    public boolean runUntil(BooleanSupplier condition, long maxMs) {
        long until = now + maxMs;
        while (!condition.getAsBoolean()) {
            if (events.isEmpty() || events.peek().time() > until) {
                now = Math.max(now, until);
                return condition.getAsBoolean();
            }
            step();
        }
        return true;
    }

    public void runSteps(long count) {
        for (long i = 0; i < count && step(); i++) {
            // the events themselves do the work
        }
    }

    private void remember(Object description) {
        if (trace.size() == TRACE_LENGTH) {
            trace.removeFirst();
        }
        trace.addLast("t=" + now + " " + description);
    }

    /** The last events, for a failure report. */
    public String recentEvents() {
        return String.join("\n", trace);
    }

    // ---------------------------------------------------------------- servers

    private void start(SimNode node) {
        node.raft = new RaftNode(config.raftConfig(node.id, random.nextLong()), node.disk);
        node.processor = processorFor(node);
        node.store = KvStore.restore(node.disk.snapshot().data());
        node.applied = node.disk.snapshot().index();
        int incarnation = node.incarnation;
        schedule(random.nextInt(config.tickMs()) + 1, "first tick of " + node.id, () -> tick(node, incarnation));
        afterInput(node);
    }

    private void tick(SimNode node, int incarnation) {
        if (node.incarnation != incarnation || !node.isUp()) {
            return;
        }
        node.raft.tick();
        afterInput(node);
        schedule(config.tickMs(), "tick " + node.id, () -> tick(node, incarnation));
    }

    private void afterInput(SimNode node) {
        if (node.isUp() && !node.readyScheduled && node.raft.hasReady()) {
            node.readyScheduled = true;
            int incarnation = node.incarnation;
            schedule(random.nextInt(config.maxDiskDelayMs() + 1), "ready " + node.id,
                    () -> handleReady(node, incarnation));
        }
    }

    /** Hands the node's Ready to the one {@link ReadyProcessor}, the driver's, over a disk that can lose power. */
    private void handleReady(SimNode node, int incarnation) {
        if (node.incarnation != incarnation || !node.isUp()) {
            return;
        }
        node.readyScheduled = false;
        try {
            node.processor.process(node.raft);
        } catch (PowerLoss lost) {
            remember("power loss on " + node.id + " during its fsync: " + lost.getMessage());
            node.crash();
            return;
        }
        afterInput(node);
    }

    /** The power failed during an fsync: what was not yet synced is lost with the engine. */
    private static final class PowerLoss extends RuntimeException {
        PowerLoss(String message) {
            super(message, null, false, false);
        }
    }

    private ReadyProcessor processorFor(SimNode node) {
        return new ReadyProcessor(ready -> persist(node, ready), messages -> messages.forEach(this::send),
                new ReadyProcessor.StateMachine() {
                    @Override
                    public void restore(Snapshot snapshot) {
                        node.store = KvStore.restore(snapshot.data());
                        node.applied = snapshot.index();
                        safety.onSnapshot(node.id, snapshot.index(), snapshot.data());
                        node.pendingWrites.headMap(snapshot.index(), true).clear(); // outcome unknown: callers time out
                    }

                    @Override
                    public void apply(List<Entry> committed, List<ReadState> reads) {
                        for (Entry entry : committed) {
                            Simulation.this.apply(node, entry);
                        }
                        for (ReadState read : reads) {
                            SimNode.PendingRead pending = node.pendingReads.remove(read.context());
                            if (pending != null) {
                                pending.onRead().accept(node.store.get(pending.key()));
                            }
                        }
                    }

                    @Override
                    public void afterAdvance() {
                        maybeSnapshot(node);
                    }
                });
    }

    /**
     * Writes a Ready to the simulated disk and syncs it, unless the power fails during the fsync: at
     * {@link SimulationConfig#powerLossRate()} per write on every node, or when a scenario arms it. Then only a prefix
     * of the entries reaches the platter (a torn write, as a log's unsynced tail), the hard state only if all did,
     * a snapshot never, and the node goes down. Messages the Ready let leave early are already on the network.
     */
    private void persist(SimNode node, Ready ready) {
        boolean armed = node.powerLossArmed && !ready.entries().isEmpty();
        if (armed || (powerLossOn && config.powerLossRate() > 0 && random.nextDouble() < config.powerLossRate())) {
            node.powerLossArmed = false;
            List<Entry> survived = List.of();
            if (ready.snapshot().isEmpty() && !armed) {
                survived = ready.entries().subList(0, random.nextInt(ready.entries().size() + 1));
                Optional<HardState> hardState = survived.size() == ready.entries().size() && random.nextBoolean()
                        ? ready.hardState()
                        : Optional.empty();
                node.disk.append(survived);
                hardState.ifPresent(node.disk::setHardState);
                safety.onPersist(node, Optional.empty(), survived, hardState);
            }
            throw new PowerLoss(survived.size() + " of " + ready.entries().size() + " entries survived");
        }
        node.disk.persist(ready);
        safety.onPersist(node, ready.snapshot(), ready.entries(), ready.hardState());
    }

    private void apply(SimNode node, Entry entry) {
        safety.onApply(node, entry);
        node.applied = entry.index();
        KvResult result = null;
        if (entry.type() == Entry.Type.NORMAL && entry.data().length > 0) {
            result = node.store.apply(entry.index(), KvCommandCodec.decode(entry.data()));
        } else {
            node.store.skip(entry.index());
        }
        SimNode.PendingWrite pending = node.pendingWrites.remove(entry.index());
        if (pending != null) {
            if (pending.term() == entry.term() && result != null) {
                pending.onApplied().accept(result);
            } else {
                pending.onLost().run();
            }
        }
    }

    private void maybeSnapshot(SimNode node) {
        if (config.snapshotEvery() <= 0 || node.applied - node.disk.snapshot().index() < config.snapshotEvery()) {
            return;
        }
        byte[] image = node.store.snapshot();
        safety.onSnapshot(node.id, node.applied, image);
        node.disk.createSnapshot(node.applied, node.raft.confState(), image);
        node.disk.compact(Math.max(node.disk.firstIndex() - 1, node.applied - config.retainAfterSnapshot()));
    }

    public Collection<Long> serverIds() {
        return nodes.keySet();
    }

    public boolean isUp(long id) {
        SimNode node = nodes.get(id);
        return node != null && node.isUp();
    }

    /** Loses everything not persisted: the engine, the state machine, messages not yet handed to the network. */
    public void crash(long id) {
        SimNode node = nodes.get(id);
        if (node.isUp()) {
            remember("crash " + id);
            node.crash();
        }
    }

    /** Ends random power failures (the rate in the config): faults stop when a run heals. */
    public void stopPowerLoss() {
        powerLossOn = false;
    }

    /** Makes the power fail during the next fsync of new entries on a server, after its early messages left. */
    public void losePowerOnNextWrite(long id) {
        nodes.get(id).powerLossArmed = true;
    }

    /** Restarts from what the disk holds. */
    public void restart(long id) {
        SimNode node = nodes.get(id);
        if (!node.isUp() && !node.retired) {
            remember("restart " + id);
            start(node);
        }
    }

    /** Creates a new, empty server that waits to be added to the cluster. */
    public long createServer() {
        long id = nodes.lastKey() + 1;
        remember("create server " + id);
        addServer(id, new MemoryStorage());
        return id;
    }

    /** Stops a server for good: it was removed from the cluster. */
    public void retire(long id) {
        crash(id);
        nodes.get(id).retired = true;
    }

    public boolean isRetired(long id) {
        return nodes.get(id).retired;
    }

    public RaftNode raft(long id) {
        return nodes.get(id).raft;
    }

    /** The last index a server applied (or restored from a snapshot), 0 while down. */
    public long applied(long id) {
        SimNode node = nodes.get(id);
        return node.isUp() ? node.applied : 0;
    }

    public KvStore store(long id) {
        return nodes.get(id).store;
    }

    /** A server that is up and believes it leads, choosing the highest term if several do. */
    public OptionalLong leader() {
        long best = RaftNode.NONE;
        long bestTerm = -1;
        for (SimNode node : nodes.values()) {
            if (node.isUp() && node.raft.role() == Role.LEADER && node.raft.term() > bestTerm
                    && isConnectedToMajority(node.id)) {
                best = node.id;
                bestTerm = node.raft.term();
            }
        }
        return best == RaftNode.NONE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    private boolean isConnectedToMajority(long id) {
        RaftNode raft = nodes.get(id).raft;
        var voters = raft.confState().voters();
        long reachable = voters.stream().filter(v -> isUp(v) && connected(id, v)).count();
        return reachable > voters.size() / 2;
    }

    public boolean isCommitted(long index) {
        return safety.isCommitted(index);
    }

    /** The payload known committed at an index, or null. */
    public byte[] committedData(long index) {
        return safety.committedData(index);
    }

    /** The term of the entry known committed at an index, or -1. */
    public long committedTerm(long index) {
        return safety.committedTerm(index);
    }

    public long highestCommitted() {
        return safety.highestCommitted();
    }

    // ---------------------------------------------------------------- the network

    public void setNetwork(NetworkProfile profile) {
        remember("network " + profile);
        this.network = profile;
    }

    public NetworkProfile network() {
        return network;
    }

    /** Splits the servers into two sides that cannot reach each other; servers on neither join the second. */
    public void partition(Collection<Long> side, Collection<Long> otherSide) {
        partitionOf.clear();
        for (long id : side) {
            partitionOf.put(id, 1);
        }
        for (long id : otherSide) {
            partitionOf.put(id, 0);
        }
        remember("partition " + side + " | " + otherSide);
    }

    /** Cuts one server off from all others. */
    public void isolate(long id) {
        partitionOf.put(id, -(int) id);
        remember("isolate " + id);
    }

    /** Reconnects one server to the servers in the default group. */
    public void reconnect(long id) {
        partitionOf.remove(id);
        remember("reconnect " + id);
    }

    public void heal() {
        partitionOf.clear();
        remember("heal");
    }

    public boolean connected(long a, long b) {
        return partitionOf.getOrDefault(a, 0).equals(partitionOf.getOrDefault(b, 0));
    }

    public long messagesSent() {
        return messagesSent;
    }

    /** Appends that followers rejected so far: how many round trips finding where logs agree took. */
    public long rejectedAppends() {
        return rejectedAppends;
    }

    /** Messages sent so far of one type, by its simple name. */
    public long messagesSent(String type) {
        return messageCounts.getOrDefault(type, 0L);
    }

    /** Messages sent so far, by type. */
    public Map<String, Long> messageCounts() {
        return Map.copyOf(messageCounts);
    }

    private void send(Message message) {
        messagesSent++;
        messageCounts.merge(message.getClass().getSimpleName(), 1L, Long::sum);
        if (message instanceof Message.AppendResponse response && response.rejected()) {
            rejectedAppends++;
        }
        if (!connected(message.from(), message.to()) || random.nextDouble() < network.dropRate()) {
            return;
        }
        Object wire = config.encodeMessages() ? MessageCodec.encode(message) : message;
        deliverLater(message, wire);
        if (random.nextDouble() < network.duplicateRate()) {
            deliverLater(message, wire);
        }
    }

    private void deliverLater(Message message, Object wire) {
        long delay = network.minDelayMs() + random.nextInt(network.maxDelayMs() - network.minDelayMs() + 1);
        if (network.longDelayRate() > 0 && random.nextDouble() < network.longDelayRate()) {
            delay += random.nextInt(network.longDelayMaxMs() + 1);
        }
        schedule(delay, message, () -> deliver(message.from(), message.to(), wire));
    }

    private void deliver(long from, long to, Object wire) {
        SimNode node = nodes.get(to);
        if (node == null || !node.isUp() || !connected(from, to)) {
            return;
        }
        Message message = wire instanceof byte[] frame ? MessageCodec.decode(frame) : (Message) wire;
        node.raft.step(message);
        afterInput(node);
    }

    // ---------------------------------------------------------------- clients

    /**
     * Proposes a command at a server; the callbacks run when that server applies the proposal's index:
     * {@code onApplied} if the entry there is ours, {@code onLost} if another took its place. Neither runs if
     * the server crashes or restores a snapshot past it first: the outcome is then unknown.
     */
    public ProposalResult propose(long id, KvCommand command, Consumer<KvResult> onApplied, Runnable onLost) {
        SimNode node = nodes.get(id);
        if (!node.isUp()) {
            return new ProposalResult.Rejected(ProposalResult.Reason.NOT_LEADER, RaftNode.NONE);
        }
        ProposalResult result = node.raft.propose(KvCommandCodec.encode(command));
        if (result instanceof ProposalResult.Accepted accepted) {
            node.pendingWrites.put(accepted.firstIndex(), new SimNode.PendingWrite(accepted.term(), onApplied, onLost));
        }
        afterInput(node);
        return result;
    }

    /** Proposes a membership change at a server. */
    public ProposalResult proposeConfChange(long id, ConfChange change) {
        SimNode node = nodes.get(id);
        if (!node.isUp()) {
            return new ProposalResult.Rejected(ProposalResult.Reason.NOT_LEADER, RaftNode.NONE);
        }
        ProposalResult result = node.raft.proposeConfChange(change);
        afterInput(node);
        return result;
    }

    /** Asks a server for a linearizable read; the callback runs when it is safe to serve, if ever. */
    public boolean read(long id, String key, Consumer<Optional<Versioned>> onRead) {
        SimNode node = nodes.get(id);
        if (!node.isUp()) {
            return false;
        }
        long context = nextReadContext++;
        if (!node.raft.readIndex(context)) {
            return false;
        }
        node.pendingReads.put(context, new SimNode.PendingRead(key, onRead));
        afterInput(node);
        return true;
    }

    /** Asks the leader to hand over to {@code target}. */
    public boolean transferLeadership(long leader, long target) {
        SimNode node = nodes.get(leader);
        boolean started = node.isUp() && node.raft.transferLeadership(target);
        afterInput(node);
        return started;
    }
}
