package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.driver.DriverInput.Read;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.ReadState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads and their ReadIndex rounds. A local read is served at once; the linearizable reads collected in a turn
 * share one round, served when the node has applied the round's index (the Ready's read states); a round lost with
 * a leader is asked again. Confined to the driver thread.
 */
final class ReadRounds {

    /** Reads waiting for one ReadIndex round; asked again if the round was lost with a leader. */
    private record Round(List<Read> reads, long askedAt, long term) {}

    private final long selfId;
    private final RaftNode node;
    private final StoreApplier applier;
    /** A round unanswered this long is asked again: the leader it went to may have dropped it. */
    private final long retryAfterNanos;
    private final List<Read> unsent = new ArrayList<>();
    private final Map<Long, Round> rounds = new HashMap<>();
    private long nextContext = 1;

    ReadRounds(long selfId, RaftNode node, StoreApplier applier, long tickNanos) {
        this.selfId = selfId;
        this.node = node;
        this.applier = applier;
        this.retryAfterNanos = tickNanos * 5;
    }

    void add(Read read) {
        if (read.linearizable()) {
            unsent.add(read);
        } else {
            read.task().serve(applier.store(), node.term()); // consistency=local: this node's state as it is
        }
    }

    /** Asks for one round for every read collected since the last; the engine may refuse it for now. */
    void flush() {
        if (unsent.isEmpty()) {
            return;
        }
        long context = nextContext++;
        if (node.readIndex(context)) {
            rounds.put(context, new Round(List.copyOf(unsent), System.nanoTime(), node.term()));
            unsent.clear();
        }
    }

    /** Serves the rounds now safe to serve, from the store as it is after applying the Ready's entries. */
    void serve(List<ReadState> states) {
        for (ReadState state : states) {
            Round round = rounds.remove(state.context());
            if (round != null) {
                for (Read r : round.reads()) {
                    r.task().serve(applier.store(), node.term());
                }
            }
        }
    }

    void expire(long now) {
        for (Iterator<Round> it = rounds.values().iterator(); it.hasNext();) {
            Round round = it.next();
            // A round asked of a leader that lost office is dropped without an answer: ask again.
            if (round.term() != node.term() || now - round.askedAt() > retryAfterNanos) {
                unsent.addAll(round.reads());
                it.remove();
            }
        }
        for (Iterator<Read> it = unsent.iterator(); it.hasNext();) {
            Read r = it.next();
            if (r.task().result().isDone()) {
                it.remove();
            } else if (now - r.deadline() >= 0) {
                r.task().fail(
                        node.leaderId() == RaftNode.NONE ? Failures.noLeader(selfId) : Failures.readNotConfirmed());
                it.remove();
            }
        }
    }

    void failAll(RuntimeException cause) {
        unsent.forEach(r -> r.task().fail(cause));
        unsent.clear();
        rounds.values().forEach(round -> round.reads().forEach(r -> r.task().fail(cause)));
        rounds.clear();
    }
}
