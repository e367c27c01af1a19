package com.distpatterns.consensus.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A leader's linearizable reads waiting for a quorum to confirm its leadership.
 *
 * <p>Each read gets the next round number of the term; heartbeats carry the latest round and followers echo
 * it. Once a quorum has echoed round r, the leader was still leader after every read up to r was registered,
 * so their indices are safe.
 */
final class ReadIndexQueue {

    /** A read registered at {@code index} in {@code round}, for the node {@code requester}. */
    record PendingRead(long round, long index, long requester, long context) {}

    /** A read that arrived before the leader committed an entry of its term, when its commit index may lag. */
    record DeferredRead(long requester, long context) {}

    private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
    private final List<DeferredRead> deferred = new ArrayList<>();
    private long round;

    long round() {
        return round;
    }

    long register(long index, long requester, long context) {
        round++;
        pending.add(new PendingRead(round, index, requester, context));
        return round;
    }

    List<PendingRead> confirmedUpTo(long quorumRound) {
        List<PendingRead> confirmed = new ArrayList<>();
        while (!pending.isEmpty() && pending.peek().round() <= quorumRound) {
            confirmed.add(pending.poll());
        }
        return confirmed;
    }

    void defer(long requester, long context) {
        deferred.add(new DeferredRead(requester, context));
    }

    List<DeferredRead> takeDeferred() {
        List<DeferredRead> taken = List.copyOf(deferred);
        deferred.clear();
        return taken;
    }

    void clear() {
        pending.clear();
        deferred.clear();
        round = 0;
    }
}
