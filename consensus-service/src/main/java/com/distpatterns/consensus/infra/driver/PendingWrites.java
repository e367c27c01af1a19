package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.Applied;
import com.distpatterns.consensus.core.ClusterStatus;
import com.distpatterns.consensus.core.LeaseNotFoundException;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.infra.driver.DriverInput.ConfProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.KvProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.Proposal;
import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.RaftNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Which caller waits for which log index. A proposal appended at an index in a term succeeded if the entry applied
 * at that index has that term; if another term's entry is applied there, it was lost, and proposing it again
 * cannot apply it twice. Whoever proposed (this node as leader, or the leader for a forwarded batch) says where the
 * entry went; this node answers when it applies that index itself. Confined to the driver thread.
 */
final class PendingWrites {

    /** A proposal appended at an index in a term. */
    private record PendingWrite(long term, Proposal proposal) {}

    private final RaftNode node;
    private final TreeMap<Long, PendingWrite> byIndex = new TreeMap<>();
    private final List<ConfProposal> confApplied = new ArrayList<>();

    PendingWrites(RaftNode node) {
        this.node = node;
    }

    /** The proposal sits at {@code index} in {@code term}: its caller waits until that index is applied here. */
    void watch(long index, long term, Proposal proposal) {
        if (index <= node.log().applied()) {
            // Applied before we learnt where it went (cannot happen on one ordered connection): outcome unknown.
            proposal.fail(Failures.outcomeUnknown());
            return;
        }
        byIndex.put(index, new PendingWrite(term, proposal));
    }

    /**
     * Answers the caller waiting at an applied entry, if any, with {@code result} (what the store did, or null when
     * it did nothing). Returns the proposal to propose again when another term's entry took its place in time.
     */
    Optional<Proposal> applied(Entry entry, Outcome result) {
        PendingWrite pending = byIndex.remove(entry.index());
        if (pending == null) {
            return Optional.empty();
        }
        Proposal proposal = pending.proposal();
        if (pending.term() != entry.term()) {
            // Another leader's entry took the place: ours was never committed, so proposing again is safe.
            if (System.nanoTime() - proposal.deadline() < 0) {
                return Optional.of(proposal);
            }
            proposal.fail(Failures.timedOut(proposal));
            return Optional.empty();
        }
        if (result == null && proposal instanceof KvProposal k) {
            k.fail(Failures.outcomeUnknown("this node installed a checkpoint past it"));
            return Optional.empty();
        }
        switch (proposal) {
            case KvProposal k -> {
                if (result instanceof Outcome.LeaseMissing missing) {
                    k.fail(new LeaseNotFoundException(missing.id())); // nothing was written
                } else {
                    k.result().complete(new Applied(result, entry.term()));
                }
            }
            case ConfProposal c -> confApplied.add(c); // answered once the engine has applied it, after advance
        }
        return Optional.empty();
    }

    /** After advance: answers the membership changes applied in that Ready with the cluster as it is now. */
    void answerAppliedChanges(Supplier<ClusterStatus> status) {
        if (!confApplied.isEmpty()) {
            ClusterStatus now = status.get();
            confApplied.forEach(c -> c.result().complete(now));
            confApplied.clear();
        }
    }

    /** A snapshot replaced the log up to {@code index}: whether the proposals watched there were ours is unknown now. */
    void forgetCoveredBy(long index) {
        Iterator<Map.Entry<Long, PendingWrite>> it = byIndex.headMap(index, true).entrySet().iterator();
        while (it.hasNext()) {
            it.next().getValue().proposal().fail(Failures.outcomeUnknown("this node caught up from a snapshot"));
            it.remove();
        }
    }

    void expire(long now) {
        for (Iterator<PendingWrite> it = byIndex.values().iterator(); it.hasNext();) {
            PendingWrite pending = it.next();
            if (now - pending.proposal().deadline() >= 0) {
                pending.proposal().fail(Failures.timedOut(pending.proposal()));
                it.remove();
            }
        }
    }

    void failAll(RuntimeException cause) {
        byIndex.values().forEach(w -> w.proposal().fail(cause));
        byIndex.clear();
    }
}
