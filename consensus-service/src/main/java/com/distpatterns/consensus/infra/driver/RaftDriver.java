package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.ClusterStatus;
import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.ConsensusUnavailableException.Reason;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.Applied;
import com.distpatterns.consensus.core.CompactedException;
import com.distpatterns.consensus.core.FutureRevisionException;
import com.distpatterns.consensus.core.KeyRead;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.core.RangeQuery;
import com.distpatterns.consensus.core.RangeRead;
import com.distpatterns.consensus.core.MembershipException;
import com.distpatterns.consensus.core.ReadConsistency;
import com.distpatterns.consensus.core.ReplicatedStore;
import com.distpatterns.consensus.core.QuotaExceededException;
import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.consensus.infra.driver.DriverInput.ConfProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.FromPeer;
import com.distpatterns.consensus.infra.driver.DriverInput.KvProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.Proposal;
import com.distpatterns.consensus.infra.driver.DriverInput.Read;
import com.distpatterns.consensus.infra.driver.DriverInput.StoreRead;
import com.distpatterns.consensus.infra.driver.DriverInput.StatusQuery;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.store.StoreDirectory;
import com.distpatterns.consensus.infra.store.StoreFailedException;
import com.distpatterns.consensus.infra.transport.CheckpointDownload;
import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.infra.transport.PeerFrame;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.infra.wal.DurableStorage;
import com.distpatterns.consensus.infra.wal.StorageFailedException;
import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.Message;
import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.RaftConfig;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.ReadState;
import com.distpatterns.consensus.raft.ReadyProcessor;
import com.distpatterns.consensus.raft.Role;
import com.distpatterns.consensus.raft.Snapshot;
import com.distpatterns.consensus.raft.SnapshotMetadata;
import com.distpatterns.consensus.raft.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the Raft node, the key-value store and the storage. Every other thread talks to it
 * through a bounded queue: HTTP threads put proposals and reads with a future to complete, the transport's reader
 * threads put peer frames. Each turn of the loop drains the queue (so every proposal queued since the last turn
 * goes out in one append, and every read in one ReadIndex round), ticks the clock, and handles the node's Ready:
 * persist with one fsync, send, apply, serve reads, advance.
 *
 * <p>Followers forward proposals to the leader over the peer connection; the leader answers with the indices it
 * appended them at, and the follower answers its client when it applies the entry there itself (or retries when
 * another entry took that place). Linearizable reads on a follower go through the engine's ReadIndex.
 */
public final class RaftDriver implements ReplicatedStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);
    private static final int DRAIN_LIMIT = 8192;
    /** Commands' bytes per forwarded batch: far below the peers' frame limit, whatever the values' sizes. */
    private static final long FORWARD_BATCH_BYTES = 4L << 20;
    /** The exit status when the driver thread dies of an {@link Error}: EX_SOFTWARE. */
    static final int EXIT_DRIVER_ERROR = 70;

    private final long selfId;
    private final DriverSettings settings;
    private final DurableStorage storage;
    private final RaftNode node;
    private final StoreDirectory stores;
    private final AddressBook addresses;
    private final PeerTransport transport;
    private final Consumer<Role> roleListener;
    private final ArrayBlockingQueue<DriverInput> queue;
    private final Thread thread;
    private final long tickNanos;

    private MvccStore store;
    private final AtomicLong pendingBytes = new AtomicLong();
    private volatile long storeBytes;
    private volatile long storeRevision;
    private volatile long storeCompacted;
    private long bytesSinceSnapshot;
    private long lastAutoCompaction;
    private final java.util.ArrayDeque<long[]> revisionSamples = new java.util.ArrayDeque<>();
    /** Automatic compactions come in steps of at most this many revisions. */
    private static final long AUTO_COMPACT_STEP = 100;
    private volatile boolean running = true;
    private volatile boolean storageFailed;
    private volatile long knownLeader = RaftNode.NONE;
    private volatile Role publishedRole = Role.FOLLOWER;

    // Everything below is the driver thread's alone.
    private final List<Proposal> unsent = new ArrayList<>();
    private final TreeMap<Long, PendingWrite> appended = new TreeMap<>();
    private final Map<Long, ForwardedBatch> forwarded = new HashMap<>();
    private final List<Read> unsentReads = new ArrayList<>();
    private final Map<Long, ReadRound> readRounds = new HashMap<>();
    private final List<ConfProposal> confApplied = new ArrayList<>();
    private long nextBatchId = 1;
    private long nextReadContext = 1;
    private final ReadyProcessor readyProcessor;
    private long lastLeader = RaftNode.NONE;
    private Role lastRole = Role.FOLLOWER;
    private ConfState lastConf;

    /** A proposal appended at an index in a term: it succeeded if that entry is applied with that term. */
    private record PendingWrite(long term, Proposal proposal) {
    }

    /** Proposals forwarded to the leader, waiting for the indices it appended them at. */
    private record ForwardedBatch(long leader, List<Proposal> proposals) {
    }

    /** Reads waiting for one ReadIndex round; asked again if the round was lost with a leader. */
    private record ReadRound(List<Read> reads, long askedAt, long term) {
    }

    public RaftDriver(RaftConfig config, DriverSettings settings, DurableStorage storage, StoreDirectory stores,
                      Map<Long, PeerAddress> configuredPeers, TransportFactory transportFactory, Consumer<Role> roleListener)
            throws IOException {
        this.selfId = config.id();
        this.settings = settings;
        this.storage = storage;
        this.stores = stores;
        this.addresses = new AddressBook(configuredPeers);
        this.roleListener = roleListener;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.tickNanos = settings.tick().toNanos();
        this.node = new RaftNode(config, storage);
        this.readyProcessor = readyProcessor();
        openStore(storage.snapshot());
        this.lastConf = node.confState();
        this.transport = transportFactory.create(this::receive);
        transport.serveCheckpoints(stores::serve);
        this.thread = Thread.ofPlatform().name("raft-driver-" + selfId).unstarted(this::run);
    }

    /** Builds the transport once the driver can take its frames. */
    @FunctionalInterface
    public interface TransportFactory {
        PeerTransport create(PeerTransport.Receiver receiver);
    }

    /** Starts listening to peers and driving the node. */
    public void start() throws java.io.IOException {
        transport.setPeers(addresses.all());
        transport.start();
        thread.start();
        log.info("Raft node {} started: term {}, commit {}, applied {}, members {}; store revision {}, applied {}, {} bytes",
                selfId, node.term(), node.log().committed(), node.log().applied(), node.confState(), store.revision(),
                store.appliedIndex(), storeBytes);
    }

    // ------------------------------------------------------------------ the API, called from other threads

    @Override
    public CompletableFuture<Applied> write(KvCommand command) {
        CompletableFuture<Applied> result = new CompletableFuture<>();
        long adds = command.bytesAdded();
        if (adds > 0 && storeBytes + adds > settings.quotaBytes()) {
            result.completeExceptionally(new QuotaExceededException(storeBytes, settings.quotaBytes()));
            return result;
        }
        byte[] encoded = KvCommandCodec.encode(command);
        // Bytes of calls accepted and not yet answered: with the queue's length, what bounds the heap they take.
        if (pendingBytes.addAndGet(encoded.length) > settings.maxPendingBytes()) {
            pendingBytes.addAndGet(-encoded.length);
            result.completeExceptionally(new ConsensusUnavailableException(Reason.OVERLOADED, "Node " + selfId + " holds "
                    + settings.maxPendingBytes() + " bytes of writes not yet answered; try again shortly."));
            return result;
        }
        result.whenComplete((r, e) -> pendingBytes.addAndGet(-encoded.length));
        enqueue(new KvProposal(encoded, result, deadline()), result);
        return result;
    }

    @Override
    public CompletableFuture<Optional<Versioned>> read(String key, ReadConsistency consistency) {
        return submitRead(consistency, (s, term) -> s.get(key).map(KeyValue::versioned));
    }

    @Override
    public CompletableFuture<KeyRead> get(String key, long revision, ReadConsistency consistency) {
        return submitRead(consistency, (s, term) -> {
            long at = readableRevision(s, revision);
            return new KeyRead(s.get(key, at), at, term);
        });
    }

    @Override
    public CompletableFuture<RangeRead> range(RangeQuery q, ReadConsistency consistency) {
        return submitRead(consistency, (s, term) -> {
            long at = readableRevision(s, q.revision());
            return new RangeRead(s.range(q.from(), q.to(), q.start(), at, q.limit(), q.keysOnly(), q.countOnly()), at, term);
        });
    }

    @Override
    public long[] revisions() {
        return new long[] {storeRevision, storeCompacted};
    }

    /** The revision a read asked for (0: the current one), once checked readable. */
    private static long readableRevision(MvccStore s, long asked) {
        if (asked == 0) {
            return s.revision();
        }
        if (asked > s.revision()) {
            throw new FutureRevisionException(asked, s.revision());
        }
        if (asked < s.compactedRevision()) {
            throw new CompactedException(asked, s.compactedRevision());
        }
        return asked;
    }

    private <T> CompletableFuture<T> submitRead(ReadConsistency consistency, BiFunction<MvccStore, Long, T> reader) {
        CompletableFuture<T> result = new CompletableFuture<>();
        enqueue(new Read(consistency == ReadConsistency.LINEARIZABLE, new StoreRead<>(reader, result), deadline()), result);
        return result;
    }

    @Override
    public CompletableFuture<ClusterStatus> status() {
        CompletableFuture<ClusterStatus> result = new CompletableFuture<>();
        enqueue(new StatusQuery(result), result);
        return result;
    }

    @Override
    public CompletableFuture<ClusterStatus> addMember(long id, String address) {
        CompletableFuture<ClusterStatus> result = new CompletableFuture<>();
        PeerAddress.parse(address); // refuse a malformed address before it is replicated
        enqueue(new ConfProposal(ConfChange.addLearner(id, address.getBytes(StandardCharsets.UTF_8)), result, deadline()), result);
        return result;
    }

    @Override
    public CompletableFuture<ClusterStatus> removeMember(long id) {
        CompletableFuture<ClusterStatus> result = new CompletableFuture<>();
        enqueue(new ConfProposal(ConfChange.remove(id), result, deadline()), result);
        return result;
    }

    @Override
    public boolean isServing() {
        return !storageFailed && knownLeader != RaftNode.NONE;
    }

    @Override
    public boolean isStorageFailed() {
        return storageFailed;
    }

    /**
     * What a founding member of a new cluster starts from: the membership as a snapshot at index 1, term 1 (as
     * {@link com.distpatterns.consensus.raft.MemoryStorage#bootstrap} records it), with the founders' addresses.
     */
    public static Snapshot foundingSnapshot(Map<Long, PeerAddress> founders) {
        Map<Long, String> addresses = new TreeMap<>();
        founders.forEach((id, address) -> addresses.put(id, address.toString()));
        return new Snapshot(new SnapshotMetadata(1, 1, ConfState.ofVoters(founders.keySet())),
                SnapshotImage.of(addresses, false).encode());
    }

    /** The leader this node knows of as of the last turn of the loop; {@link RaftNode#NONE} if none. */
    public long leaderId() {
        return knownLeader;
    }

    /** This node's id. */
    public long id() {
        return selfId;
    }

    /** The role as of the last turn of the loop. */
    public Role role() {
        return publishedRole;
    }

    /** The store's size on disk as of the last tick, in bytes. */
    public long storeBytes() {
        return storeBytes;
    }

    /** The Raft port the transport listens on. */
    public int raftPort() {
        return transport.port();
    }

    private long deadline() {
        return System.nanoTime() + settings.requestTimeout().toNanos();
    }

    private void enqueue(DriverInput input, CompletableFuture<?> result) {
        if (storageFailed) {
            result.completeExceptionally(storageFailure());
        } else if (!running) {
            result.completeExceptionally(new ConsensusUnavailableException(Reason.STOPPING, "The node is shutting down."));
        } else if (!queue.offer(input)) {
            result.completeExceptionally(new ConsensusUnavailableException(Reason.OVERLOADED,
                    "Node " + selfId + " has " + settings.queueCapacity() + " calls queued; try again shortly."));
        }
    }

    private void receive(long from, PeerFrame frame) {
        queue.offer(new FromPeer(from, frame)); // a full queue drops it, which Raft tolerates
    }

    // ------------------------------------------------------------------ the loop

    private void run() {
        long nextTick = System.nanoTime() + tickNanos;
        List<DriverInput> batch = new ArrayList<>();
        while (running) {
            try {
                long wait = storageFailed || !node.hasReady() ? Math.max(0, nextTick - System.nanoTime()) : 0;
                DriverInput first = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, DRAIN_LIMIT);
                    for (DriverInput input : batch) {
                        handle(input);
                    }
                    batch.clear();
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    nextTick = Math.max(nextTick + tickNanos, now);
                    if (!storageFailed) {
                        node.tick();
                    }
                    onTick(now);
                }
                if (!storageFailed) {
                    flushProposals();
                    flushReads();
                    readyProcessor.process(node);
                    publish();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (StorageFailedException e) {
                onStorageFailure(e);
            } catch (StoreFailedException e) {
                onStorageFailure(new StorageFailedException("the store failed: " + e.getMessage(), e));
            } catch (Error e) {
                // Out of memory or worse: the engine's state is unknown. A node whose port answers while its engine
                // is dead is worse than none: end the process, so the run command, compose or Kubernetes restart it.
                haltOnError(e);
            } catch (RuntimeException e) {
                // An engine invariant broke: better to stop serving than to apply something wrong.
                log.error("Raft driver of node {} stopped by an unexpected error", selfId, e);
                onStorageFailure(new StorageFailedException("the driver stopped: " + e, e));
            }
        }
        failEverything(new ConsensusUnavailableException(Reason.STOPPING, "The node is shutting down."));
    }

    private void haltOnError(Error e) {
        try {
            log.error("Node {}: the Raft driver died of {}; the process halts with status {} to be restarted",
                    selfId, e, EXIT_DRIVER_ERROR);
        } catch (Throwable ignored) {
            // even logging failed: halting matters more
        }
        Runtime.getRuntime().halt(EXIT_DRIVER_ERROR);
    }

    private void handle(DriverInput input) {
        if (storageFailed) {
            switch (input) {
                case Proposal p -> p.fail(storageFailure());
                case Read r -> r.task().fail(storageFailure());
                case StatusQuery q -> q.result().complete(clusterStatus());
                case FromPeer ignored -> {
                }
            }
            return;
        }
        switch (input) {
            case Proposal p -> unsent.add(p);
            case Read r -> {
                if (r.linearizable()) {
                    unsentReads.add(r);
                } else {
                    r.task().serve(store, node.term()); // consistency=local: this node's state as it is
                }
            }
            case StatusQuery q -> q.result().complete(clusterStatus());
            case FromPeer f -> handlePeerFrame(f.from(), f.frame());
        }
    }

    private void handlePeerFrame(long from, PeerFrame frame) {
        switch (frame) {
            case PeerFrame.RaftFrame r -> {
                try {
                    node.step(r.message());
                } catch (IllegalArgumentException e) {
                    log.warn("Dropped a message from peer {}: {}", from, e.getMessage());
                }
            }
            case PeerFrame.ForwardProposals f -> {
                try {
                    proposeForwarded(from, f);
                } catch (RuntimeException e) {
                    log.warn("Refused a batch forwarded by peer {}: {}", from, e.getMessage());
                    transport.send(from, new PeerFrame.ProposalsRejected(f.batchId(), node.leaderId(),
                            ProposalResult.Reason.INVALID_CONF_CHANGE));
                }
            }
            case PeerFrame.ProposalsAccepted a -> {
                ForwardedBatch batch = forwarded.remove(a.batchId());
                if (batch != null) {
                    for (int i = 0; i < batch.proposals().size(); i++) {
                        watch(a.firstIndex() + i, a.term(), batch.proposals().get(i));
                    }
                }
            }
            case PeerFrame.ProposalsRejected r -> {
                ForwardedBatch batch = forwarded.remove(r.batchId());
                if (batch != null) {
                    batch.proposals().forEach(p -> retryOrFail(p, r.reason()));
                }
            }
            case PeerFrame.Hello ignored -> {
            }
            case PeerFrame.FetchCheckpoint ignored -> {
                // only ever the first frame of a download connection, which the transport serves itself
            }
        }
    }

    /** The leader's side of forwarding: propose a follower's batch and tell it where the entries are. */
    private void proposeForwarded(long from, PeerFrame.ForwardProposals f) {
        ProposalResult result;
        if (f.confChange()) {
            result = node.proposeConfChange(ConfChange.fromBytes(f.commands().getFirst()));
        } else {
            for (byte[] command : f.commands()) {
                KvCommandCodec.decode(command); // refuse what could not be applied, before it is in the log
            }
            result = node.propose(f.commands());
        }
        switch (result) {
            case ProposalResult.Accepted a -> transport.send(from, new PeerFrame.ProposalsAccepted(f.batchId(), a.firstIndex(), a.term()));
            case ProposalResult.Rejected r -> transport.send(from, new PeerFrame.ProposalsRejected(f.batchId(), r.leaderHint(), r.reason()));
        }
    }

    private void watch(long index, long term, Proposal proposal) {
        if (index <= node.log().applied()) {
            // Applied before we learnt where it went (cannot happen on one ordered connection): outcome unknown.
            proposal.fail(new ConsensusUnavailableException(Reason.TIMED_OUT, "The outcome of the write is unknown; read the key to find out."));
            return;
        }
        appended.put(index, new PendingWrite(term, proposal));
    }

    private void retryOrFail(Proposal proposal, ProposalResult.Reason reason) {
        if (reason == ProposalResult.Reason.INVALID_CONF_CHANGE && proposal instanceof ConfProposal c) {
            c.fail(invalidChange(c.change()));
        } else if (reason == ProposalResult.Reason.CONF_CHANGE_PENDING && proposal instanceof ConfProposal c) {
            c.fail(changeUnderWay());
        } else {
            unsent.add(proposal); // nothing was appended: proposing again cannot apply it twice
        }
    }

    private static MembershipException changeUnderWay() {
        return new MembershipException("Another membership change is under way (one at a time, a new server's "
                + "promotion to voter included); try again once it is applied.");
    }

    private MembershipException invalidChange(ConfChange change) {
        return new MembershipException(switch (change.type()) {
            case ADD_LEARNER -> "Node " + change.nodeId() + " is already a member of the cluster.";
            case ADD_VOTER -> "Node " + change.nodeId() + " is not a learner.";
            case REMOVE -> "Node " + change.nodeId() + " is not a member, or is the last voter.";
        });
    }

    private void flushProposals() {
        if (unsent.isEmpty()) {
            return;
        }
        if (node.role() == Role.LEADER) {
            proposeLocally();
        } else if (node.leaderId() != RaftNode.NONE) {
            forwardToLeader(node.leaderId());
        }
        // Without a leader they wait: the next turn tries again, the deadline ends the wait.
    }

    private void proposeLocally() {
        List<Proposal> proposals = new ArrayList<>(unsent);
        unsent.clear();
        List<KvProposal> kv = new ArrayList<>();
        for (Proposal p : proposals) {
            switch (p) {
                case KvProposal k -> kv.add(k);
                case ConfProposal c -> {
                    switch (node.proposeConfChange(c.change())) {
                        case ProposalResult.Accepted a -> watch(a.firstIndex(), a.term(), c);
                        case ProposalResult.Rejected r -> {
                            switch (r.reason()) {
                                case INVALID_CONF_CHANGE -> c.fail(invalidChange(c.change()));
                                case CONF_CHANGE_PENDING -> c.fail(changeUnderWay());
                                default -> unsent.add(c);
                            }
                        }
                    }
                }
            }
        }
        if (kv.isEmpty()) {
            return;
        }
        List<byte[]> commands = new ArrayList<>(kv.size());
        kv.forEach(k -> commands.add(k.command()));
        switch (node.propose(commands)) {
            case ProposalResult.Accepted a -> {
                for (int i = 0; i < kv.size(); i++) {
                    watch(a.firstIndex() + i, a.term(), kv.get(i));
                }
            }
            case ProposalResult.Rejected r -> unsent.addAll(kv); // a leadership transfer: wait for the new leader
        }
    }

    private void forwardToLeader(long leader) {
        List<KvProposal> kv = new ArrayList<>();
        for (Proposal p : unsent) {
            switch (p) {
                case KvProposal k -> kv.add(k);
                case ConfProposal c -> {
                    long batchId = nextBatchId++;
                    forwarded.put(batchId, new ForwardedBatch(leader, List.of(c)));
                    transport.send(leader, new PeerFrame.ForwardProposals(batchId, true, List.of(c.change().toBytes())));
                }
            }
        }
        unsent.clear();
        int from = 0;
        while (from < kv.size()) {
            int to = from;
            long bytes = 0;
            while (to < kv.size() && (to == from || bytes + kv.get(to).command().length <= FORWARD_BATCH_BYTES)) {
                bytes += kv.get(to).command().length;
                to++;
            }
            List<KvProposal> batch = kv.subList(from, to);
            long batchId = nextBatchId++;
            forwarded.put(batchId, new ForwardedBatch(leader, List.copyOf(batch)));
            List<byte[]> commands = new ArrayList<>(batch.size());
            batch.forEach(p -> commands.add(p.command()));
            transport.send(leader, new PeerFrame.ForwardProposals(batchId, false, commands));
            from = to;
        }
    }

    private void flushReads() {
        if (unsentReads.isEmpty()) {
            return;
        }
        long context = nextReadContext++;
        if (node.readIndex(context)) {
            readRounds.put(context, new ReadRound(List.copyOf(unsentReads), System.nanoTime(), node.term()));
            unsentReads.clear();
        }
    }

    // ------------------------------------------------------------------ the Ready

    /** The one Ready order (see {@link ReadyProcessor}), over this node's WAL, peer links and store. */
    private ReadyProcessor readyProcessor() {
        return new ReadyProcessor(storage::persist, this::send, new ReadyProcessor.StateMachine() {
            @Override
            public void prepare(Snapshot snapshot) {
                fetchCheckpoint(snapshot);
            }

            @Override
            public void restore(Snapshot snapshot) {
                installSnapshot(snapshot);
            }

            @Override
            public void apply(List<Entry> committed, List<ReadState> reads) {
                applyAndServe(committed, reads);
            }

            @Override
            public void afterAdvance() {
                RaftDriver.this.afterAdvance();
            }
        });
    }

    private void applyAndServe(List<Entry> committed, List<ReadState> reads) {
        for (Entry entry : committed) {
            apply(entry);
        }
        for (ReadState read : reads) {
            ReadRound round = readRounds.remove(read.context());
            if (round != null) {
                for (Read r : round.reads()) {
                    r.task().serve(store, node.term());
                }
            }
        }
    }

    private void send(List<Message> messages) {
        for (Message message : messages) {
            transport.send(message.to(), new PeerFrame.RaftFrame(message));
        }
    }

    private void installSnapshot(Snapshot snapshot) {
        restoreStore(snapshot);
        // Proposals watched at indices the snapshot covers: whether they were ours is unknown now.
        Iterator<Map.Entry<Long, PendingWrite>> it = appended.headMap(snapshot.index(), true).entrySet().iterator();
        while (it.hasNext()) {
            it.next().getValue().proposal().fail(new ConsensusUnavailableException(Reason.TIMED_OUT,
                    "The outcome of the write is unknown (this node caught up from a snapshot); read the key to find out."));
            it.remove();
        }
        log.info("Node {} restored the snapshot at index {} (term {})", selfId, snapshot.index(), snapshot.term());
    }

    private void openStore(Snapshot snapshot) throws IOException {
        SnapshotImage image = SnapshotImage.decode(snapshot.data());
        if (image.legacyStore()) {
            throw new IllegalStateException("The data directory holds a snapshot (index " + snapshot.index() + ") written "
                    + "by a version that kept the store in memory; this version keeps it in RocksDB and cannot read it. "
                    + "Either run the previous version on it, or empty the data directory: a node then rejoins and "
                    + "catches up from the others (all nodes emptied: the cluster starts empty).");
        }
        addresses.replaceReplicated(image.addresses());
        store = stores.open(snapshot.index(), image.checkpoint());
        storeBytes = store.sizeOnDisk();
        storeRevision = store.revision();
    }

    private void restoreStore(Snapshot snapshot) {
        SnapshotImage image = SnapshotImage.decode(snapshot.data());
        addresses.replaceReplicated(image.addresses());
        if (image.checkpoint() && store.appliedIndex() < snapshot.index()) {
            try {
                store = stores.install(snapshot.index());
            } catch (IOException e) {
                throw new StoreFailedException("installing the checkpoint of snapshot " + snapshot.index() + " failed", e);
            }
        }
        storeBytes = store.sizeOnDisk();
        storeRevision = store.revision();
    }

    /**
     * Before a snapshot from the leader is persisted: download the store's checkpoint it stands for (at its index or
     * later), as a stream of files, from the leader or any peer that has one. A node that already holds one (or whose
     * store is past it) needs none. Blocks the driver while it lasts: this node is behind and serves nothing meanwhile.
     */
    private void fetchCheckpoint(Snapshot snapshot) {
        SnapshotImage image = SnapshotImage.decode(snapshot.data());
        long index = snapshot.index();
        try {
            if (!image.checkpoint() || store.appliedIndex() >= index || stores.hasCheckpointFrom(index)) {
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long started = System.nanoTime();
        for (int attempt = 0; running; attempt++) {
            List<Long> sources = new ArrayList<>();
            if (node.leaderId() != RaftNode.NONE && node.leaderId() != selfId) {
                sources.add(node.leaderId());
            }
            addresses.all().keySet().stream().filter(id -> id != selfId && !sources.contains(id)).forEach(sources::add);
            for (long peer : sources) {
                PeerAddress address = addresses.all().get(peer);
                try (InputStream in = CheckpointDownload.open(selfId, address, index)) {
                    if (stores.download(in).isPresent()) {
                        log.info("Node {} downloaded the checkpoint for snapshot {} from node {} in {} ms", selfId, index,
                                peer, (System.nanoTime() - started) / 1_000_000);
                        return;
                    }
                } catch (IOException | RuntimeException e) {
                    log.warn("Node {}: downloading the checkpoint for snapshot {} from node {} failed: {}", selfId, index,
                            peer, e.toString());
                }
            }
            try {
                Thread.sleep(Math.min(2000, 100L << Math.min(attempt, 5)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreFailedException("interrupted while downloading a checkpoint", e);
            }
        }
        throw new StoreFailedException("the node stopped while downloading a checkpoint", null);
    }

    private void apply(Entry entry) {
        Outcome result = null;
        if (entry.type() == Entry.Type.NORMAL && entry.data().length > 0) {
            KvCommand command;
            try {
                command = KvCommandCodec.decode(entry.data());
            } catch (IllegalArgumentException e) {
                // Every server skips it alike; refusing to go on would stop the cluster for good.
                log.error("Entry {} holds no command this version understands ({}); skipped", entry.index(), e.getMessage());
                command = null;
            }
            if (command != null) {
                result = store.apply(entry.index(), command);
                bytesSinceSnapshot += entry.data().length;
            } else {
                store.skip(entry.index());
            }
        } else {
            store.skip(entry.index());
            if (entry.type() == Entry.Type.CONF_CHANGE) {
                ConfChange change = ConfChange.fromBytes(entry.data());
                if (change.type() == ConfChange.Type.ADD_LEARNER && change.context().length > 0) {
                    addresses.learn(change.nodeId(), new String(change.context(), StandardCharsets.UTF_8));
                } else if (change.type() == ConfChange.Type.REMOVE) {
                    addresses.forget(change.nodeId());
                }
            }
        }
        PendingWrite pending = appended.remove(entry.index());
        if (pending == null) {
            return;
        }
        if (pending.term() != entry.term()) {
            // Another leader's entry took the place: ours was never committed, so proposing again is safe.
            if (System.nanoTime() - pending.proposal().deadline() < 0) {
                unsent.add(pending.proposal());
            } else {
                pending.proposal().fail(timedOut(pending.proposal()));
            }
            return;
        }
        if (result == null && pending.proposal() instanceof KvProposal k) {
            k.fail(new ConsensusUnavailableException(Reason.TIMED_OUT,
                    "The outcome of the write is unknown (this node installed a checkpoint past it); read the key to find out."));
            return;
        }
        switch (pending.proposal()) {
            case KvProposal k -> k.result().complete(new Applied(result, entry.term()));
            case ConfProposal c -> confApplied.add(c); // answered once the engine has applied it, after advance
        }
    }

    private void afterAdvance() {
        if (!confApplied.isEmpty()) {
            ClusterStatus status = clusterStatus();
            confApplied.forEach(c -> c.result().complete(status));
            confApplied.clear();
        }
        ConfState conf = node.confState();
        if (!conf.equals(lastConf)) {
            log.info("Node {}: membership is now voters {} learners {}", selfId, conf.voters(), conf.learners());
            lastConf = conf;
            transport.setPeers(addresses.all());
        }
        long applied = node.log().applied();
        storeRevision = store.revision();
        storeCompacted = store.compactedRevision();
        if (applied - storage.snapshot().index() >= settings.snapshotEvery() || bytesSinceSnapshot >= settings.snapshotEveryBytes()) {
            // The checkpoint is named after the store's applied index, which may be past the engine's after a restart.
            try {
                stores.checkpoint(store.appliedIndex());
            } catch (IOException e) {
                throw new StorageFailedException("a checkpoint of the store failed: " + e.getMessage(), e);
            }
            storage.snapshotAt(applied, conf, SnapshotImage.of(addresses.replicated(), true).encode(), settings.keepEntries(),
                    settings.keepBytes());
            bytesSinceSnapshot = 0;
            storeBytes = store.sizeOnDisk();
            log.info("Node {} took a snapshot at index {} (store revision {}, {} bytes on disk)", selfId, applied,
                    store.revision(), storeBytes);
        }
    }

    // ------------------------------------------------------------------ time

    private void onTick(long now) {
        if (storageFailed) {
            return;
        }
        storeBytes = store.sizeOnDisk();
        if (node.role() == Role.LEADER) {
            promoteCaughtUpLearners();
            compactAutomatically(now);
        }
        expireProposals(now);
        expireReads(now);
    }

    /**
     * The leader proposes a compaction keeping the last {@code retainRevisions} revisions and what was written in
     * the last {@code retainTime}, whichever keeps less, at most once a second and once the target is a tenth of
     * the revisions kept (at most {@value #AUTO_COMPACT_STEP}) past the last compaction. Off when both are 0.
     */
    private void compactAutomatically(long now) {
        AutoCompaction auto = settings.autoCompaction();
        if (auto.off() || now - lastAutoCompaction < 1_000_000_000L) {
            return;
        }
        lastAutoCompaction = now;
        long revision = store.revision();
        revisionSamples.addLast(new long[] {now, revision});
        long target = 0;
        if (auto.retainRevisions() > 0) {
            target = revision - auto.retainRevisions();
        }
        if (!auto.retainTime().isZero()) {
            long cutoff = now - auto.retainTime().toNanos();
            long byTime = 0;
            while (!revisionSamples.isEmpty() && revisionSamples.peekFirst()[0] <= cutoff) {
                byTime = revisionSamples.pollFirst()[1];
            }
            if (byTime > 0) {
                revisionSamples.addFirst(new long[] {cutoff, byTime});
            }
            target = target == 0 ? byTime : Math.max(target, byTime);
        }
        long compactTo = target;
        long step = auto.retainRevisions() > 0 ? Math.clamp(auto.retainRevisions() / 10, 1, AUTO_COMPACT_STEP) : AUTO_COMPACT_STEP;
        if (compactTo - store.compactedRevision() >= step) {
            CompletableFuture<Applied> done = new CompletableFuture<>();
            unsent.add(new KvProposal(KvCommandCodec.encode(new KvCommand.Compact(compactTo)), done, deadline()));
            done.whenComplete((applied, e) -> {
                if (e == null) {
                    log.info("Node {} compacted the history to revision {} (automatic)", selfId, compactTo);
                }
            });
        }
    }

    private void promoteCaughtUpLearners() {
        Status status = node.status();
        for (long learner : status.confState().learners()) {
            Status.Peer peer = status.peers().get(learner);
            if (peer != null && peer.match() >= status.commit()
                    && node.proposeConfChange(ConfChange.addVoter(learner)) instanceof ProposalResult.Accepted) {
                log.info("Node {} caught up (match {}): proposed its promotion to voter", learner, peer.match());
                return;
            }
        }
    }

    private void expireProposals(long now) {
        for (Iterator<Proposal> it = unsent.iterator(); it.hasNext(); ) {
            Proposal p = it.next();
            if (now - p.deadline() >= 0) {
                p.fail(node.leaderId() == RaftNode.NONE ? noLeader() : timedOut(p));
                it.remove();
            }
        }
        for (Iterator<ForwardedBatch> it = forwarded.values().iterator(); it.hasNext(); ) {
            ForwardedBatch batch = it.next();
            if (now - batch.proposals().getFirst().deadline() >= 0) {
                batch.proposals().forEach(p -> p.fail(timedOut(p)));
                it.remove();
            }
        }
        for (Iterator<PendingWrite> it = appended.values().iterator(); it.hasNext(); ) {
            PendingWrite pending = it.next();
            if (now - pending.proposal().deadline() >= 0) {
                pending.proposal().fail(timedOut(pending.proposal()));
                it.remove();
            }
        }
    }

    private void expireReads(long now) {
        long retryAfter = tickNanos * 5;
        for (Iterator<ReadRound> it = readRounds.values().iterator(); it.hasNext(); ) {
            ReadRound round = it.next();
            // A round asked of a leader that lost office is dropped without an answer: ask again.
            if (round.term() != node.term() || now - round.askedAt() > retryAfter) {
                unsentReads.addAll(round.reads());
                it.remove();
            }
        }
        for (Iterator<Read> it = unsentReads.iterator(); it.hasNext(); ) {
            Read r = it.next();
            if (r.task().result().isDone()) {
                it.remove();
            } else if (now - r.deadline() >= 0) {
                r.task().fail(node.leaderId() == RaftNode.NONE ? noLeader()
                        : new ConsensusUnavailableException(Reason.TIMED_OUT, "The leader did not confirm the read in time; try again."));
                it.remove();
            }
        }
    }

    private ConsensusUnavailableException noLeader() {
        return new ConsensusUnavailableException(Reason.NO_LEADER,
                "No leader: the cluster is electing one or has lost its quorum (node " + selfId + " sees no leader); try again shortly.");
    }

    private static ConsensusUnavailableException timedOut(Proposal p) {
        return new ConsensusUnavailableException(Reason.TIMED_OUT, p instanceof ConfProposal
                ? "The membership change was not applied in time; it may still be. Check GET /api/cluster."
                : "The write was not committed in time; it may still be applied. Read the key to find out.");
    }

    // ------------------------------------------------------------------ status and failure

    private void publish() {
        long leader = node.leaderId();
        Role role = node.role();
        knownLeader = leader;
        publishedRole = role;
        if (leader != lastLeader || role != lastRole) {
            if (role == Role.LEADER && lastRole != Role.LEADER) {
                log.info("Node {} became leader in term {}", selfId, node.term());
            } else if (leader != RaftNode.NONE && leader != lastLeader) {
                log.info("Node {} is {} of leader {} in term {}", selfId, role.name().toLowerCase(), leader, node.term());
            } else if (leader == RaftNode.NONE && lastLeader != RaftNode.NONE) {
                log.info("Node {} lost its leader; now {} in term {}", selfId, role.name().toLowerCase(), node.term());
            }
            if (role != lastRole) {
                roleListener.accept(role);
            }
            lastLeader = leader;
            lastRole = role;
        }
    }

    private ClusterStatus clusterStatus() {
        Status status = node.status();
        List<ClusterStatus.Member> members = new ArrayList<>();
        ConfState conf = status.confState();
        for (long id : conf.voters()) {
            members.add(member(status, id, true));
        }
        for (long id : conf.learners()) {
            members.add(member(status, id, false));
        }
        return new ClusterStatus(selfId, roleName(status.role()), status.term(), status.leaderId(), status.commit(),
                status.applied(), members, store.revision(), store.compactedRevision(), storeBytes, settings.quotaBytes());
    }

    private ClusterStatus.Member member(Status status, long id, boolean voter) {
        Status.Peer peer = status.peers().get(id);
        return new ClusterStatus.Member(id, addresses.addressOf(id), peer == null ? null : peer.match(), voter);
    }

    /** How roles are named in the API and in Eureka's metadata. */
    public static String roleName(Role role) {
        return role.name().toLowerCase().replace('_', '-');
    }

    private void onStorageFailure(StorageFailedException e) {
        if (storageFailed) {
            return;
        }
        storageFailed = true;
        knownLeader = RaftNode.NONE;
        // Stop taking part: the others elect a leader among themselves. Nothing unpersisted was acknowledged.
        transport.close();
        failEverything(storageFailure());
        log.error("Node {} stopped serving: {}", selfId, e.getMessage());
    }

    private ConsensusUnavailableException storageFailure() {
        return new ConsensusUnavailableException(Reason.STORAGE_FAILED,
                "Node " + selfId + " cannot write to its disk and acknowledges nothing until restarted; use another node.");
    }

    private void failEverything(ConsensusUnavailableException cause) {
        unsent.forEach(p -> p.fail(cause));
        unsent.clear();
        forwarded.values().forEach(b -> b.proposals().forEach(p -> p.fail(cause)));
        forwarded.clear();
        appended.values().forEach(w -> w.proposal().fail(cause));
        appended.clear();
        unsentReads.forEach(r -> r.task().fail(cause));
        unsentReads.clear();
        readRounds.values().forEach(round -> round.reads().forEach(r -> r.task().fail(cause)));
        readRounds.clear();
        List<DriverInput> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (DriverInput input : rest) {
            switch (input) {
                case Proposal p -> p.fail(cause);
                case Read r -> r.task().fail(cause);
                case StatusQuery q -> q.result().completeExceptionally(cause);
                case FromPeer ignored -> {
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        if (!thread.isAlive()) {
            stores.close(); // the store is native memory: never closed under a driver still using it
        }
        try {
            storage.close();
        } catch (java.io.IOException e) {
            log.warn("Closing the log failed: {}", e.getMessage());
        }
    }
}
