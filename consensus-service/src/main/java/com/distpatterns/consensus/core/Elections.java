package com.distpatterns.consensus.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Leader election on the store's own range, transactions, watches and leases (etcd's concurrency recipe): the
 * guarantees are the store's. A candidate is a key under the candidate's lease, created by a transaction only if
 * absent, so its createRevision fixes its place in campaign order once and for all. The leader is the candidate
 * with the lowest createRevision; each waiting candidate watches only the one just before it, so a change wakes
 * one waiter, not all of them. A leader whose process dies stops keeping its lease alive, the lease expires,
 * its key goes, and the next candidate's watch fires.
 *
 * <p>Calls block (the campaign for as long as it waits): run them on virtual threads.
 */
public final class Elections {

    /** Candidates read per page: an election is a handful of keys, but a read must not grow without bound. */
    private static final int PAGE = 1000;

    private final ReplicatedStore store;
    private final Leases leases;
    private final Watches watches;
    private final Calls calls;

    /** {@code callLimit}: how long one store call may take at most, past which the store is taken as stuck. */
    public Elections(ReplicatedStore store, Leases leases, Watches watches, Duration callLimit) {
        this.store = store;
        this.leases = leases;
        this.watches = watches;
        this.calls = new Calls(callLimit);
    }

    /**
     * Waits until the candidate of lease {@code leaseId} leads election {@code name}, for at most {@code wait}.
     * A retry with the same lease finds the same key, so it keeps its place (and updates the value if it differs).
     *
     * @throws LeaseNotFoundException the lease does not exist
     * @throws ElectionConflictException not leader within {@code wait} (the key is removed first), or the key went
     *     while waiting
     */
    public ElectionLeader campaign(String name, byte[] value, long leaseId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        calls.await(leases.get(leaseId));
        String key = ElectionKeys.candidateKey(name, leaseId);
        long created = register(key, value, leaseId);
        try {
            return awaitTurn(name, key, created, deadline);
        } catch (InterruptedException | RuntimeException e) {
            // A campaign given up (interrupted, even inside a store call) or out of time must not lead later with
            // nobody there to act as leader: its key goes first. If that fails, the failure is the answer (503: the
            // key may still be there, until the lease ends or a retry with the same lease finds it).
            boolean interrupted = Thread.interrupted() || e instanceof InterruptedException;
            try {
                if (interrupted || e instanceof ElectionConflictException c
                        && c.reason() == ElectionConflictException.Reason.CAMPAIGN_TIMED_OUT) {
                    withdraw(key, created);
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
    }

    /** The leader now (linearizable), if any candidate campaigns. */
    public Optional<ElectionLeader> leader(String name) {
        return candidates(name).leader();
    }

    /**
     * Removes the leader's key, if {@code key} (created at {@code revision} unless it is 0) still leads.
     *
     * @return the revision of the removal
     * @throws ElectionConflictException it does not lead
     */
    public long resign(String name, String key, long revision) {
        ElectionLeader leader = leading(name, key, revision);
        Outcome.Txn done = txn(List.of(createdAt(key, leader.revision())), List.of(new TxnOp.Delete(key)), List.of());
        if (!done.succeeded()) {
            throw notLeader(name, key);
        }
        return done.revision();
    }

    /**
     * Sets the leader's value, if {@code key} (created at {@code revision} unless it is 0) still leads. The key
     * stays under its lease.
     *
     * @throws ElectionConflictException it does not lead
     */
    public ElectionLeader proclaim(String name, String key, long revision, byte[] value) {
        ElectionLeader leader = leading(name, key, revision);
        Outcome.Txn done = txn(List.of(createdAt(key, leader.revision())),
                List.of(new TxnOp.Put(key, value, leader.lease())), List.of());
        if (!done.succeeded()) {
            throw notLeader(name, key);
        }
        return ElectionLeader.of(name, ((OpResult.Put) done.results().getFirst()).kv());
    }

    /** Follows the election's leader from now on; close it when done. */
    public ElectionObserver observe(String name) {
        ElectionKeys.checkName(name);
        return new ElectionObserver(name, this, watches);
    }

    /** Every candidate of the election, read linearizably, all pages at one revision. */
    Candidates candidates(String name) {
        byte[] from = ElectionKeys.prefix(name).getBytes(StandardCharsets.UTF_8);
        byte[] to = ElectionKeys.prefixEnd(name);
        List<KeyValue> keys = new ArrayList<>();
        long at = 0;
        byte[] start = from;
        do {
            RangeRead read = calls.await(store.range(new RangeQuery(from, to, start, at, PAGE, false, false),
                    ReadConsistency.LINEARIZABLE));
            at = read.revision();
            keys.addAll(read.range().kvs());
            start = read.range().next();
        } while (start != null);
        return new Candidates(name, keys, at);
    }

    /** Creates the candidate key if absent; answers its createRevision, the candidate's place in line. */
    private long register(String key, byte[] value, long leaseId) {
        Outcome.Txn done = txn(List.of(createdAt(key, 0)), List.of(new TxnOp.Put(key, value, leaseId)),
                List.of(new TxnOp.Get(key)));
        if (done.succeeded()) {
            return ((OpResult.Put) done.results().getFirst()).kv().createRevision();
        }
        KeyValue mine = ((OpResult.Get) done.results().getFirst()).kv();
        if (!Arrays.equals(mine.value(), value)) {
            Outcome.Txn updated = txn(List.of(createdAt(key, mine.createRevision())),
                    List.of(new TxnOp.Put(key, value, leaseId)), List.of());
            if (!updated.succeeded()) {
                throw lost(key);
            }
        }
        return mine.createRevision();
    }

    /** Waits for every candidate before this one to go, re-reading after each change it sees. */
    private ElectionLeader awaitTurn(String name, String key, long created, long deadline) throws InterruptedException {
        while (true) {
            Candidates now = candidates(name);
            KeyValue mine = now.find(key).filter(kv -> kv.createRevision() == created).orElseThrow(() -> lost(key));
            Optional<KeyValue> before = now.before(created);
            if (before.isEmpty()) {
                return ElectionLeader.of(name, mine);
            }
            awaitRemoval(name, before.get(), now.revision() + 1, deadline);
        }
    }

    /** Blocks on a watch of {@code candidate} until it is deleted, or the watch ends (then the caller reads again). */
    private void awaitRemoval(String name, KeyValue candidate, long fromRevision, long deadline)
            throws InterruptedException {
        try (Watch watch = watches.watch(new WatchRequest(candidate.key(), false, fromRevision, false))) {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ElectionConflictException(ElectionConflictException.Reason.CAMPAIGN_TIMED_OUT,
                            "Not leader of election '" + name + "' within the wait: " + candidate.key()
                                    + " (created at revision " + candidate.createRevision() + ") was still ahead.");
                }
                switch (watch.next(Duration.ofNanos(left))) {
                    case null -> {
                    }
                    case WatchMessage.Changes changes -> {
                        if (changes.events().stream().anyMatch(e -> e.type() == WatchEvent.Type.DELETE)) {
                            return;
                        }
                    }
                    case WatchMessage.Progress progress -> {
                    }
                    case WatchMessage.Compacted compacted -> {
                        return;
                    }
                    case WatchMessage.Lagging lagging -> {
                        return;
                    }
                }
            }
        }
    }

    /** Removes a campaign's key if it is still that campaign's (a retry may have made it again since). */
    private void withdraw(String key, long created) {
        txn(List.of(createdAt(key, created)), List.of(new TxnOp.Delete(key)), List.of());
    }

    private ElectionLeader leading(String name, String key, long revision) {
        return candidates(name).leader()
                .filter(leader -> leader.key().equals(key) && (revision == 0 || leader.revision() == revision))
                .orElseThrow(() -> notLeader(name, key));
    }

    private Outcome.Txn txn(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure) {
        return (Outcome.Txn) calls.await(store.write(new KvCommand.Txn(compares, success, failure))).outcome();
    }

    private static Compare createdAt(String key, long revision) {
        return new Compare(key, Compare.Target.CREATE_REVISION, Compare.Op.EQUAL, null, revision);
    }

    private static ElectionConflictException lost(String key) {
        return new ElectionConflictException(ElectionConflictException.Reason.CANDIDACY_LOST,
                "The candidate key " + key
                        + " went while the campaign waited: its lease expired or was revoked, or it was "
                        + "resigned or deleted. Campaign again (with a live lease).");
    }

    private static ElectionConflictException notLeader(String name, String key) {
        return new ElectionConflictException(ElectionConflictException.Reason.NOT_LEADER,
                "The key " + key + " is not the leader of election '" + name + "' (at that revision) now.");
    }
}
