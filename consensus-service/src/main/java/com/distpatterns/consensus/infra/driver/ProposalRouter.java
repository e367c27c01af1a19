package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.infra.driver.DriverInput.ConfProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.KvProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.Proposal;
import com.distpatterns.consensus.infra.transport.PeerFrame;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.raft.ConfChange;
import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where proposals go. Those collected in a turn are proposed in one call on the leader, forwarded to the leader in
 * batches from a follower ({@code ForwardProposals}, answered with the index they were appended at), or held while
 * no leader is known; once a proposal's index is known, {@link PendingWrites} keeps its caller. The leader's side
 * of a follower's batch is here too. Confined to the driver thread.
 */
final class ProposalRouter {

    private static final Logger log = LoggerFactory.getLogger(ProposalRouter.class);
    /** Commands' bytes per forwarded batch: far below the peers' frame limit, whatever the values' sizes. */
    private static final long FORWARD_BATCH_BYTES = 4L << 20;

    /** Proposals forwarded to the leader, waiting for the indices it appended them at. */
    private record ForwardedBatch(long leader, List<Proposal> proposals) {}

    private final long selfId;
    private final RaftNode node;
    private final PeerTransport transport;
    private final PendingWrites pending;
    private final List<Proposal> unsent = new ArrayList<>();
    private final Map<Long, ForwardedBatch> forwarded = new HashMap<>();
    private long nextBatchId = 1;

    ProposalRouter(long selfId, RaftNode node, PeerTransport transport, PendingWrites pending) {
        this.selfId = selfId;
        this.node = node;
        this.transport = transport;
        this.pending = pending;
    }

    /** Takes a proposal for the next flush; also one to propose again, which nothing appended. */
    void add(Proposal proposal) {
        unsent.add(proposal);
    }

    /** Proposes or forwards what was collected; without a leader it waits, until a leader or the deadline. */
    void flush() {
        if (unsent.isEmpty()) {
            return;
        }
        if (node.role() == Role.LEADER) {
            proposeLocally();
        } else if (node.leaderId() != RaftNode.NONE) {
            forwardToLeader(node.leaderId());
        }
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
                        case ProposalResult.Accepted a -> pending.watch(a.firstIndex(), a.term(), c);
                        case ProposalResult.Rejected r -> {
                            switch (r.reason()) {
                                case INVALID_CONF_CHANGE -> c.fail(Failures.invalidChange(c.change()));
                                case CONF_CHANGE_PENDING -> c.fail(Failures.changeUnderWay());
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
                    pending.watch(a.firstIndex() + i, a.term(), kv.get(i));
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
                    transport.send(leader,
                            new PeerFrame.ForwardProposals(batchId, true, List.of(c.change().toBytes())));
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

    /** The leader's side: proposes a follower's batch and tells it where the entries are, or why not. */
    void proposeForwarded(long from, PeerFrame.ForwardProposals f) {
        ProposalResult result;
        try {
            if (f.confChange()) {
                result = node.proposeConfChange(ConfChange.fromBytes(f.commands().getFirst()));
            } else {
                for (byte[] command : f.commands()) {
                    KvCommandCodec.decode(command); // refuse what could not be applied, before it is in the log
                }
                result = node.propose(f.commands());
            }
        } catch (RuntimeException e) {
            log.warn("Refused a batch forwarded by peer {}: {}", from, e.getMessage());
            transport.send(from, new PeerFrame.ProposalsRejected(f.batchId(), node.leaderId(),
                    ProposalResult.Reason.INVALID_CONF_CHANGE));
            return;
        }
        switch (result) {
            case ProposalResult.Accepted a ->
                transport.send(from, new PeerFrame.ProposalsAccepted(f.batchId(), a.firstIndex(), a.term()));
            case ProposalResult.Rejected r ->
                transport.send(from, new PeerFrame.ProposalsRejected(f.batchId(), r.leaderHint(), r.reason()));
        }
    }

    /** The follower's side: the leader appended a forwarded batch from {@code firstIndex} on. */
    void accepted(PeerFrame.ProposalsAccepted a) {
        ForwardedBatch batch = forwarded.remove(a.batchId());
        if (batch != null) {
            for (int i = 0; i < batch.proposals().size(); i++) {
                pending.watch(a.firstIndex() + i, a.term(), batch.proposals().get(i));
            }
        }
    }

    /** The follower's side: the leader appended nothing of a forwarded batch. */
    void rejected(PeerFrame.ProposalsRejected r) {
        ForwardedBatch batch = forwarded.remove(r.batchId());
        if (batch != null) {
            batch.proposals().forEach(p -> retryOrFail(p, r.reason()));
        }
    }

    private void retryOrFail(Proposal proposal, ProposalResult.Reason reason) {
        if (reason == ProposalResult.Reason.INVALID_CONF_CHANGE && proposal instanceof ConfProposal c) {
            c.fail(Failures.invalidChange(c.change()));
        } else if (reason == ProposalResult.Reason.CONF_CHANGE_PENDING && proposal instanceof ConfProposal c) {
            c.fail(Failures.changeUnderWay());
        } else {
            unsent.add(proposal); // nothing was appended: proposing again cannot apply it twice
        }
    }

    void expire(long now) {
        for (Iterator<Proposal> it = unsent.iterator(); it.hasNext();) {
            Proposal p = it.next();
            if (now - p.deadline() >= 0) {
                p.fail(node.leaderId() == RaftNode.NONE ? Failures.noLeader(selfId) : Failures.timedOut(p));
                it.remove();
            }
        }
        for (Iterator<ForwardedBatch> it = forwarded.values().iterator(); it.hasNext();) {
            ForwardedBatch batch = it.next();
            if (now - batch.proposals().getFirst().deadline() >= 0) {
                batch.proposals().forEach(p -> p.fail(Failures.timedOut(p)));
                it.remove();
            }
        }
    }

    void failAll(RuntimeException cause) {
        unsent.forEach(p -> p.fail(cause));
        unsent.clear();
        forwarded.values().forEach(b -> b.proposals().forEach(p -> p.fail(cause)));
        forwarded.clear();
    }
}
