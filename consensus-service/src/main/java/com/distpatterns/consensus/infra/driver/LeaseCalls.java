package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.Lease;
import com.distpatterns.consensus.core.LeaseNotFoundException;
import com.distpatterns.consensus.infra.driver.DriverInput.LeaseCall;
import com.distpatterns.consensus.infra.driver.DriverInput.Read;
import com.distpatterns.consensus.infra.driver.DriverInput.StoreRead;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.transport.PeerFrame;
import com.distpatterns.consensus.infra.transport.PeerFrame.LeaseAnswer;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Keepalives and lease reads: served by the leader, which alone keeps the deadlines; a follower forwards them
 * ({@code LeaseQuery}) and waits for the answer. The leader renews a keepalive's lease as it takes it, and answers
 * only after a ReadIndex round asked after that confirmed it still leads with a quorum: a deposed leader that
 * does not know it yet answers nothing, so no holder believes in a renewal the new leader never saw (the new
 * leader's fresh TTL starts after that quorum's vote, so after the renewal). Confined to the driver thread.
 */
final class LeaseCalls {

    /** The leader could not answer as leader (it lost office meanwhile): route the call again. */
    private static final class Reroute extends RuntimeException {
        Reroute() {
            super("no longer leader", null, false, false);
        }
    }

    private record Forwarded(long leader, LeaseCall call) {}

    private final long selfId;
    private final RaftNode node;
    private final LeaseKeeper keeper;
    private final ReadRounds reads;
    private final PeerTransport transport;
    private final List<LeaseCall> unrouted = new ArrayList<>();
    private final Map<Long, Forwarded> forwarded = new HashMap<>();
    private long nextRequestId = 1;

    LeaseCalls(long selfId, RaftNode node, LeaseKeeper keeper, ReadRounds reads, PeerTransport transport) {
        this.selfId = selfId;
        this.node = node;
        this.keeper = keeper;
        this.reads = reads;
        this.transport = transport;
    }

    void add(LeaseCall call) {
        unrouted.add(call);
    }

    /** Serves what was collected as leader, forwards it to the leader, or keeps it until one is known. */
    void flush() {
        if (unrouted.isEmpty()) {
            return;
        }
        if (node.role() == Role.LEADER) {
            List<LeaseCall> calls = new ArrayList<>(unrouted);
            unrouted.clear();
            calls.forEach(this::serveAsLeader);
        } else if (node.leaderId() != RaftNode.NONE) {
            long leader = node.leaderId();
            for (LeaseCall call : unrouted) {
                long requestId = nextRequestId++;
                forwarded.put(requestId, new Forwarded(leader, call));
                transport.send(leader, new PeerFrame.LeaseQuery(requestId, call.keepAlive(), call.id()));
            }
            unrouted.clear();
        }
    }

    private void serveAsLeader(LeaseCall call) {
        long term = node.term();
        long arrived = System.nanoTime();
        if (keeper.leading() && call.keepAlive()) {
            keeper.renew(call.id(), arrived);
        }
        CompletableFuture<Lease> answer = new CompletableFuture<>();
        answer.whenComplete((lease, e) -> {
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            if (cause instanceof Reroute) {
                unrouted.add(call);
            } else if (cause != null) {
                call.result().completeExceptionally(cause);
            } else {
                call.result().complete(lease);
            }
        });
        reads.add(new Read(true, new StoreRead<>((store, t) -> answer(store, call, term, arrived), answer),
                call.deadline()));
    }

    /** After the round: the lease as this leader sees it, if it still leads in the term it took the call in. */
    private Lease answer(MvccStore store, LeaseCall call, long term, long arrived) {
        if (!keeper.leading() || node.term() != term) {
            throw new Reroute();
        }
        long ttl = store.leaseTtl(call.id()).orElseThrow(() -> new LeaseNotFoundException(call.id()));
        if (call.keepAlive()) {
            keeper.renew(call.id(), arrived); // granted, or made fresh, since it was taken
        }
        return new Lease(call.id(), ttl, keeper.remainingSeconds(call.id(), ttl, System.nanoTime()),
                store.leaseKeys(call.id()));
    }

    /** The leader's side of a follower's query: served as a local call, answered over the transport. */
    void query(long from, PeerFrame.LeaseQuery q, long deadline) {
        CompletableFuture<Lease> result = new CompletableFuture<>();
        result.whenComplete((lease, e) -> {
            if (lease != null) {
                transport.send(from, new LeaseAnswer(q.requestId(), LeaseAnswer.Status.FOUND, lease.id(),
                        lease.ttlSeconds(), lease.remainingSeconds(), lease.keys()));
            } else {
                LeaseAnswer.Status status = e instanceof LeaseNotFoundException
                        ? LeaseAnswer.Status.NOT_FOUND
                        : LeaseAnswer.Status.RETRY;
                transport.send(from, new LeaseAnswer(q.requestId(), status, q.leaseId(), 0, 0, List.of()));
            }
        });
        LeaseCall call = new LeaseCall(q.leaseId(), q.keepAlive(), result, deadline);
        if (node.role() == Role.LEADER) {
            serveAsLeader(call);
        } else {
            result.completeExceptionally(new Reroute());
        }
    }

    /** The follower's side: the leader's answer. */
    void answered(LeaseAnswer a) {
        Forwarded f = forwarded.remove(a.requestId());
        if (f == null) {
            return;
        }
        switch (a.status()) {
            case FOUND ->
                f.call().result().complete(new Lease(a.leaseId(), a.ttlSeconds(), a.remainingSeconds(), a.keys()));
            case NOT_FOUND -> f.call().result().completeExceptionally(new LeaseNotFoundException(a.leaseId()));
            case RETRY -> unrouted.add(f.call());
        }
    }

    void expire(long now) {
        for (Iterator<Forwarded> it = forwarded.values().iterator(); it.hasNext();) {
            Forwarded f = it.next();
            if (now - f.call().deadline() >= 0) {
                f.call().fail(Failures.readNotConfirmed());
                it.remove();
            } else if (f.leader() != node.leaderId() && node.leaderId() != RaftNode.NONE) {
                unrouted.add(f.call()); // asked of a leader that lost office: ask the new one
                it.remove();
            }
        }
        for (Iterator<LeaseCall> it = unrouted.iterator(); it.hasNext();) {
            LeaseCall call = it.next();
            if (now - call.deadline() >= 0) {
                call.fail(node.leaderId() == RaftNode.NONE ? Failures.noLeader(selfId) : Failures.readNotConfirmed());
                it.remove();
            }
        }
    }

    void failAll(RuntimeException cause) {
        unrouted.forEach(c -> c.fail(cause));
        unrouted.clear();
        forwarded.values().forEach(f -> f.call().fail(cause));
        forwarded.clear();
    }
}
