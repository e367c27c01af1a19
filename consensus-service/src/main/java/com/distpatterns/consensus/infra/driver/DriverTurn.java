package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.driver.DriverInput.FromPeer;
import com.distpatterns.consensus.infra.driver.DriverInput.LeaseCall;
import com.distpatterns.consensus.infra.driver.DriverInput.Proposal;
import com.distpatterns.consensus.infra.driver.DriverInput.Read;
import com.distpatterns.consensus.infra.driver.DriverInput.StatusQuery;
import com.distpatterns.consensus.infra.transport.PeerFrame;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.ReadyProcessor;
import com.distpatterns.consensus.raft.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a turn of the loop does, and which piece does it: a proposal goes to the {@link ProposalRouter}, a read to
 * the {@link ReadRounds}, a peer's Raft message to the node; each tick expires deadlines and does the leader's own
 * duties; the end of a turn flushes proposals and reads and hands the Ready to the {@link ReadyProcessor}, which
 * calls the {@link DriverStateMachine}. Confined to the driver thread.
 */
final class DriverTurn implements DriverLoop.Turn {

    private static final Logger log = LoggerFactory.getLogger(DriverTurn.class);

    private final RaftNode node;
    private final ReadyProcessor readies;
    private final ProposalRouter router;
    private final PendingWrites pending;
    private final ReadRounds reads;
    private final StoreApplier applier;
    private final StatusReporter status;
    private final LearnerPromotion promotion;
    private final AutoCompactor compactor;
    private final PeerTransport transport;
    private final LeaseKeeper keeper;
    private final LeaseCalls leaseCalls;
    private final long requestTimeoutNanos;

    DriverTurn(RaftNode node, ReadyProcessor readies, ProposalRouter router, PendingWrites pending, ReadRounds reads,
            StoreApplier applier, StatusReporter status, LearnerPromotion promotion, AutoCompactor compactor,
            PeerTransport transport, LeaseKeeper keeper, LeaseCalls leaseCalls, long requestTimeoutNanos) {
        this.keeper = keeper;
        this.leaseCalls = leaseCalls;
        this.requestTimeoutNanos = requestTimeoutNanos;
        this.node = node;
        this.readies = readies;
        this.router = router;
        this.pending = pending;
        this.reads = reads;
        this.applier = applier;
        this.status = status;
        this.promotion = promotion;
        this.compactor = compactor;
        this.transport = transport;
    }

    @Override
    public boolean hasReady() {
        return node.hasReady();
    }

    @Override
    public void take(DriverInput input) {
        switch (input) {
            case Proposal p -> router.add(p);
            case Read r -> reads.add(r);
            case StatusQuery q -> q.result().complete(status.clusterStatus());
            case LeaseCall c -> leaseCalls.add(c);
            case FromPeer f -> takeFrame(f.from(), f.frame());
        }
    }

    private void takeFrame(long from, PeerFrame frame) {
        switch (frame) {
            case PeerFrame.RaftFrame r -> {
                try {
                    node.step(r.message());
                } catch (IllegalArgumentException e) {
                    log.warn("Dropped a message from peer {}: {}", from, e.getMessage());
                }
            }
            case PeerFrame.ForwardProposals f -> router.proposeForwarded(from, f);
            case PeerFrame.ProposalsAccepted a -> router.accepted(a);
            case PeerFrame.ProposalsRejected r -> router.rejected(r);
            case PeerFrame.LeaseQuery q -> leaseCalls.query(from, q, System.nanoTime() + requestTimeoutNanos);
            case PeerFrame.LeaseAnswer a -> leaseCalls.answered(a);
            case PeerFrame.Hello ignored -> {
            }
            case PeerFrame.FetchCheckpoint ignored -> {
                // only ever the first frame of a download connection, which the transport serves itself
            }
        }
    }

    @Override
    public void takeAfterStorageFailure(DriverInput input, RuntimeException storageFailure) {
        if (input instanceof StatusQuery q) {
            q.result().complete(status.clusterStatus()); // what failed is worth seeing
        } else {
            input.fail(storageFailure);
        }
    }

    @Override
    public void tick(long now) {
        node.tick();
        applier.publishSize();
        if (node.role() == Role.LEADER) {
            promotion.promoteCaughtUp();
            compactor.compactIfDue(now);
        }
        keeper.tick(now);
        router.expire(now);
        pending.expire(now);
        reads.expire(now);
        leaseCalls.expire(now);
    }

    @Override
    public void finish() {
        router.flush();
        leaseCalls.flush();
        reads.flush();
        readies.process(node);
        status.publish();
    }

    @Override
    public void stopServing() {
        status.stopServing();
        transport.close();
    }

    @Override
    public void failAll(RuntimeException cause) {
        router.failAll(cause);
        pending.failAll(cause);
        reads.failAll(cause);
        leaseCalls.failAll(cause);
    }
}
