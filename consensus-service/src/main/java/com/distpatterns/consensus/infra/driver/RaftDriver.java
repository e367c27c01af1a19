package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.Applied;
import com.distpatterns.consensus.core.ClusterStatus;
import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.ConsensusUnavailableException.Reason;
import com.distpatterns.consensus.core.KeyRead;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.core.Leases;
import com.distpatterns.consensus.core.QuotaExceededException;
import com.distpatterns.consensus.core.RangeQuery;
import com.distpatterns.consensus.core.RangeRead;
import com.distpatterns.consensus.core.ReadConsistency;
import com.distpatterns.consensus.core.ReplicatedStore;
import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.consensus.infra.driver.DriverInput.ConfProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.FromPeer;
import com.distpatterns.consensus.infra.driver.DriverInput.KvProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.Read;
import com.distpatterns.consensus.infra.driver.DriverInput.StatusQuery;
import com.distpatterns.consensus.infra.driver.DriverInput.StoreRead;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.store.StoreDirectory;
import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.infra.transport.PeerFrame;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.infra.wal.DurableStorage;
import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.RaftConfig;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.ReadyProcessor;
import com.distpatterns.consensus.raft.Role;
import com.distpatterns.consensus.raft.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * This node's replicated store as the API calls it, and the Raft driver behind it as Spring starts and stops it
 * (its pieces: see the package's documentation). One thread, the driver's, owns the Raft node, the store's writes
 * and the storage; every other thread talks to it through a bounded queue: HTTP threads put proposals and reads with a
 * future to complete, the transport's reader threads put peer frames. A key-value read only waits there for its
 * turn (its ReadIndex round applied); {@link StoreReaders} reads the store for it off the driver thread.
 *
 * <p>Threads: the methods here are called from any thread. They check limits, read what the driver thread
 * publishes (volatile) and queue a call; none touches the node. The lifecycle methods are Spring's (or a test's).
 */
public final class RaftDriver implements ReplicatedStore, SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);
    /**
     * Started before anything can route a call here (Eureka's registration, phase 0; the web server, later) and
     * stopped after them, as when the driver was started in its bean method and closed with the beans.
     */
    static final int PHASE = Integer.MIN_VALUE + 1000;

    private final long selfId;
    private final DriverSettings settings;
    private final DurableStorage storage;
    private final StoreDirectory stores;
    private final AddressBook addresses;
    private final RaftNode node;
    private final StoreApplier applier;
    private final StatusReporter status;
    private final PeerTransport transport;
    private final BlockingQueue<DriverInput> queue;
    private final DriverLoop loop;
    private final LeaseKeeper leaseKeeper;
    private final DriverLeases leases;
    private final StoreReaders readers;
    /** Bytes of writes accepted and not yet answered: with the queue's length, what bounds the heap they take. */
    private final AtomicLong pendingBytes = new AtomicLong();

    public RaftDriver(RaftConfig config, DriverSettings settings, DurableStorage storage, StoreDirectory stores,
            Map<Long, PeerAddress> configuredPeers, TransportFactory transportFactory, Consumer<Role> roleListener)
            throws IOException {
        this(config, settings, storage, stores, configuredPeers, transportFactory, roleListener, AppliedRevisions.NONE);
    }

    /** As above, telling {@code appliedRevisions} where the store stands after each Ready (what watches follow). */
    public RaftDriver(RaftConfig config, DriverSettings settings, DurableStorage storage, StoreDirectory stores,
            Map<Long, PeerAddress> configuredPeers, TransportFactory transportFactory, Consumer<Role> roleListener,
            AppliedRevisions appliedRevisions) throws IOException {
        this.selfId = config.id();
        this.settings = settings;
        this.storage = storage;
        this.stores = stores;
        this.addresses = new AddressBook(configuredPeers);
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.node = new RaftNode(config, storage);
        this.applier = new StoreApplier(storage.snapshot(), stores, addresses, appliedRevisions);
        // A full queue drops a peer's frame, which Raft tolerates.
        this.transport = transportFactory.create((from, frame) -> queue.offer(new FromPeer(from, frame)));
        transport.serveCheckpoints(stores::serve);
        this.status = new StatusReporter(selfId, node, addresses, applier, settings.quotaBytes(), roleListener);
        PendingWrites pending = new PendingWrites(node);
        ProposalRouter router = new ProposalRouter(selfId, node, transport, pending);
        ReadRounds reads = new ReadRounds(selfId, node, applier, settings.tick().toNanos());
        // A driver that did not tick for half an election timeout (at most 1 s, at least 3 ticks) was paused:
        // leases get a fresh TTL then.
        long pauseNanos = Math.max(3 * settings.tick().toNanos(),
                Math.min(settings.tick().toNanos() * config.electionTick() / 2, 1_000_000_000L));
        this.leaseKeeper = new LeaseKeeper(selfId, node, applier, router, reads, pauseNanos,
                settings.requestTimeout().toNanos());
        LeaseCalls leaseCalls = new LeaseCalls(selfId, node, leaseKeeper, reads, transport);
        DriverStateMachine stateMachine = new DriverStateMachine(selfId, node, applier, pending, router, reads,
                new CheckpointFetch(selfId, node, stores, applier, addresses),
                new Snapshotter(selfId, settings, storage, stores, applier, addresses), status, addresses, transport,
                leaseKeeper);
        ReadyProcessor readies = new ReadyProcessor(storage::persist, messages -> messages.forEach(
                m -> transport.send(m.to(), new PeerFrame.RaftFrame(m))), stateMachine);
        this.loop = new DriverLoop(selfId, settings.tick(), queue, new DriverTurn(node, readies, router, pending, reads,
                applier, status, new LearnerPromotion(node),
                new AutoCompactor(selfId, settings.autoCompaction(), settings.requestTimeout(), applier, router),
                transport,
                leaseKeeper, leaseCalls, settings.requestTimeout().toNanos()));
        this.leases = new DriverLeases(this);
        this.readers = new StoreReaders(selfId, applier);
    }

    /** Builds the transport once the driver can take its frames. */
    @FunctionalInterface
    public interface TransportFactory {
        PeerTransport create(PeerTransport.Receiver receiver);
    }

    /** Starts listening to peers and driving the node. */
    @Override
    public void start() {
        if (!loop.accepting()) {
            throw new IllegalStateException("Node " + selfId + ": a stopped Raft driver does not start again");
        }
        transport.setPeers(addresses.all());
        try {
            transport.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Node " + selfId + " cannot listen for its peers", e);
        }
        log.info(
                "Raft node {} started: term {}, commit {}, applied {}, members {}; store revision {}, applied {}, {} bytes",
                selfId, node.term(), node.log().committed(), node.log().applied(), node.confState(),
                applier.store().revision(), applier.store().appliedIndex(), applier.sizeOnDisk());
        loop.start();
    }

    /** Stops driving the node (waiting calls fail) and leaves the cluster's connections; for good. */
    @Override
    public void stop() {
        loop.stop();
        transport.close();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Stops if running, then closes the store and the log. */
    @Override
    public void close() {
        stop();
        if (loop.terminated()) {
            stores.close(); // the store is native memory: never closed under a driver still using it
        }
        try {
            storage.close();
        } catch (IOException e) {
            log.warn("Closing the log failed: {}", e.getMessage());
        }
    }

    @Override
    public CompletableFuture<Applied> write(KvCommand command) {
        CompletableFuture<Applied> result = new CompletableFuture<>();
        long adds = command.bytesAdded();
        long storeBytes = applier.sizeOnDisk();
        if (adds > 0 && storeBytes + adds > settings.quotaBytes()) {
            result.completeExceptionally(new QuotaExceededException(storeBytes, settings.quotaBytes()));
            return result;
        }
        byte[] encoded = KvCommandCodec.encode(command);
        if (pendingBytes.addAndGet(encoded.length) > settings.maxPendingBytes()) {
            pendingBytes.addAndGet(-encoded.length);
            result.completeExceptionally(
                    new ConsensusUnavailableException(Reason.OVERLOADED, "Node " + selfId + " holds "
                            + settings.maxPendingBytes() + " bytes of writes not yet answered; try again shortly."));
            return result;
        }
        result.whenComplete((r, e) -> pendingBytes.addAndGet(-encoded.length));
        enqueue(new KvProposal(encoded, result, deadline()), result);
        return result;
    }

    @Override
    public CompletableFuture<Optional<Versioned>> read(String key, ReadConsistency consistency) {
        return submitPointRead(consistency, StoreQueries.latest(key));
    }

    @Override
    public CompletableFuture<KeyRead> get(String key, long revision, ReadConsistency consistency) {
        return submitPointRead(consistency, StoreQueries.key(key, revision));
    }

    @Override
    public CompletableFuture<RangeRead> range(RangeQuery q, ReadConsistency consistency) {
        return submitRead(consistency, StoreQueries.range(q));
    }

    @Override
    public long[] revisions() {
        return new long[] {applier.revision(), applier.compactedRevision()};
    }

    /**
     * Queues a one-key read, served on the driver thread once it may be: its two RocksDB lookups cost less there
     * than a hand-over to a reader thread, a snapshot and two more lookups for the view's revisions (served by the
     * readers, single-key reads measured 1.14x and 1.26x etcd's against 1.38x and 1.57x on the driver, 2026-12-03).
     */
    private <T> CompletableFuture<T> submitPointRead(ReadConsistency consistency,
            BiFunction<MvccStore.View, Long, T> reader) {
        CompletableFuture<T> result = new CompletableFuture<>();
        enqueue(new Read(consistency == ReadConsistency.LINEARIZABLE,
                new StoreRead<>((store, term) -> store.readInPlace(view -> reader.apply(view, term)), result),
                deadline()), result);
        return result;
    }

    /**
     * Queues a range's permit for the driver, which completes it with the term once the range may be served; the
     * range itself runs on a store reader's thread, so a long one never holds up the driver.
     */
    private <T> CompletableFuture<T> submitRead(ReadConsistency consistency,
            BiFunction<MvccStore.View, Long, T> reader) {
        CompletableFuture<Long> permit = new CompletableFuture<>();
        enqueue(new Read(consistency == ReadConsistency.LINEARIZABLE,
                new StoreRead<>((store, term) -> term, permit), deadline()), permit);
        return readers.after(permit, reader);
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
        enqueue(new ConfProposal(ConfChange.addLearner(id, address.getBytes(StandardCharsets.UTF_8)), result,
                deadline()), result);
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
        return !loop.storageFailed() && status.leaderId() != RaftNode.NONE;
    }

    @Override
    public boolean isStorageFailed() {
        return loop.storageFailed();
    }

    /**
     * What a founding member of a new cluster starts from: the membership as a snapshot at index 1, term 1 (as
     * {@link com.distpatterns.consensus.raft.MemoryStorage#bootstrap} records it), with the founders' addresses.
     */
    public static Snapshot foundingSnapshot(Map<Long, PeerAddress> founders) {
        return SnapshotImage.founding(founders);
    }

    /** The leader this node knows of as of the last turn of the loop; {@link RaftNode#NONE} if none. */
    public long leaderId() {
        return status.leaderId();
    }

    /** This node's id. */
    public long id() {
        return selfId;
    }

    /** The role as of the last turn of the loop. */
    public Role role() {
        return status.role();
    }

    /** The store's size on disk as of the last tick, in bytes. */
    public long storeBytes() {
        return applier.sizeOnDisk();
    }

    /** The Raft port the transport listens on. */
    public int raftPort() {
        return transport.port();
    }

    /** How roles are named in the API and in Eureka's metadata. */
    public static String roleName(Role role) {
        return StatusReporter.roleName(role);
    }

    /** Leases, served by the leader from any node. */
    public Leases leases() {
        return leases;
    }

    /** Leases this node keeps deadlines for (as leader: every lease), as of the last tick; for the metrics. */
    public int leaseCount() {
        return leaseKeeper.published();
    }

    /** Queues a keepalive or a lease read for the driver. */
    void call(DriverInput.LeaseCall call) {
        enqueue(call, call.result());
    }

    long deadline() {
        return System.nanoTime() + settings.requestTimeout().toNanos();
    }

    private void enqueue(DriverInput input, CompletableFuture<?> result) {
        if (loop.storageFailed()) {
            result.completeExceptionally(Failures.storageFailed(selfId));
        } else if (!loop.accepting()) {
            result.completeExceptionally(Failures.stopping());
        } else if (!queue.offer(input)) {
            result.completeExceptionally(new ConsensusUnavailableException(Reason.OVERLOADED,
                    "Node " + selfId + " has " + settings.queueCapacity() + " calls queued; try again shortly."));
        }
    }
}
