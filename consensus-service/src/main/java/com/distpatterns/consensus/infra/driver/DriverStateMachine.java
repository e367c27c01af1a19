package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.ReadState;
import com.distpatterns.consensus.raft.ReadyProcessor;
import com.distpatterns.consensus.raft.Snapshot;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of a Ready, in the order {@link ReadyProcessor} calls it: fetch a snapshot's checkpoint before
 * it is persisted, restore it, apply committed entries and answer the callers waiting at them, serve the read
 * rounds; after advance, answer membership changes, connect to the new members and snapshot when due. Confined to
 * the driver thread.
 */
final class DriverStateMachine implements ReadyProcessor.StateMachine {

    private static final Logger log = LoggerFactory.getLogger(DriverStateMachine.class);

    private final long selfId;
    private final RaftNode node;
    private final StoreApplier applier;
    private final PendingWrites pending;
    private final ProposalRouter router;
    private final ReadRounds reads;
    private final CheckpointFetch checkpoints;
    private final Snapshotter snapshots;
    private final StatusReporter status;
    private final AddressBook addresses;
    private final PeerTransport transport;
    private final LeaseKeeper keeper;
    /** The membership the transport was last told of. */
    private ConfState lastConf;

    DriverStateMachine(long selfId, RaftNode node, StoreApplier applier, PendingWrites pending, ProposalRouter router,
            ReadRounds reads, CheckpointFetch checkpoints, Snapshotter snapshots, StatusReporter status,
            AddressBook addresses, PeerTransport transport, LeaseKeeper keeper) {
        this.keeper = keeper;
        this.selfId = selfId;
        this.node = node;
        this.applier = applier;
        this.pending = pending;
        this.router = router;
        this.reads = reads;
        this.checkpoints = checkpoints;
        this.snapshots = snapshots;
        this.status = status;
        this.addresses = addresses;
        this.transport = transport;
        this.lastConf = node.confState();
    }

    @Override
    public void prepare(Snapshot snapshot) {
        checkpoints.fetchFor(snapshot);
    }

    @Override
    public void restore(Snapshot snapshot) {
        applier.restore(snapshot);
        pending.forgetCoveredBy(snapshot.index());
        keeper.restored();
        log.info("Node {} restored the snapshot at index {} (term {})", selfId, snapshot.index(), snapshot.term());
    }

    @Override
    public void apply(List<Entry> committed, List<ReadState> readStates) {
        for (Entry entry : committed) {
            Outcome result = applier.apply(entry);
            keeper.applied(result);
            pending.applied(entry, result).ifPresent(router::add);
        }
        reads.serve(readStates);
    }

    @Override
    public void afterAdvance() {
        pending.answerAppliedChanges(status::clusterStatus);
        ConfState conf = node.confState();
        if (!conf.equals(lastConf)) {
            log.info("Node {}: membership is now voters {} learners {}", selfId, conf.voters(), conf.learners());
            lastConf = conf;
            transport.setPeers(addresses.all());
        }
        applier.publishRevisions();
        snapshots.snapshotIfDue(node.log().applied(), conf);
    }
}
