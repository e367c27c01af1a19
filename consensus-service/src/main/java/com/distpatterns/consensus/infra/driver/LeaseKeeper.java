package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.Applied;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.infra.driver.DriverInput.KvProposal;
import com.distpatterns.consensus.infra.driver.DriverInput.Read;
import com.distpatterns.consensus.infra.driver.DriverInput.StoreRead;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Role;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each lease expires, as the leader decides it. The deadlines are in memory, on the monotonic clock; a
 * keepalive moves one, and is no log entry. A lease never expires early from its holder's point of view:
 * <ul>
 * <li>a node that becomes leader (any new term) gives every lease a fresh full TTL before it expires anything: it
 *     cannot know when the last keepalive reached the leader before it;
 * <li>a pause of the driver (the process frozen, a long GC or fsync stall) gives every lease a fresh full TTL: the
 *     keepalives sent meanwhile are still on their way in;
 * <li>a lease is revoked only after a ReadIndex round asked after its deadline confirmed, with a quorum, that this
 *     node is still leader in the term that made the deadlines fresh (a deposed leader, still thinking it leads,
 *     revokes nothing), with no pause since it was asked;
 * <li>the revoke entry names that term and applies only if committed in it ({@code KvCommand.LeaseRevoke}), so a
 *     deposed leader's expiry, re-proposed later by the router, does nothing.
 * </ul>
 * Confined to the driver thread.
 */
final class LeaseKeeper {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
    /** Revocations proposed per round, at most: a burst of expiries goes out over a few turns. */
    private static final int MAX_REVOKES_PER_ROUND = 512;

    /** A lease's full TTL and when it expires, in {@link System#nanoTime()}. */
    private static final class Deadline {
        final long ttlNanos;
        long at;

        Deadline(long ttlNanos, long at) {
            this.ttlNanos = ttlNanos;
            this.at = at;
        }
    }

    private final long selfId;
    private final RaftNode node;
    private final StoreApplier applier;
    private final ProposalRouter router;
    private final ReadRounds reads;
    private final long pauseNanos;
    private final long timeoutNanos;
    private final Map<Long, Deadline> deadlines = new HashMap<>();
    private final Set<Long> revoking = new HashSet<>();
    /** The term whose leadership made the deadlines fresh; 0 while not leader. */
    private long freshTerm;
    private long lastTick;
    /** When the last pause was seen; expiry rounds asked before it are not acted on. */
    private long pausedAt;
    private boolean roundOut;
    /** The leases with a deadline here, as of the last tick: read by any thread (metrics). */
    private volatile int published;

    LeaseKeeper(long selfId, RaftNode node, StoreApplier applier, ProposalRouter router, ReadRounds reads,
            long pauseNanos, long timeoutNanos) {
        this.selfId = selfId;
        this.node = node;
        this.applier = applier;
        this.router = router;
        this.reads = reads;
        this.pauseNanos = pauseNanos;
        this.timeoutNanos = timeoutNanos;
        this.pausedAt = System.nanoTime();
    }

    /** A committed entry's outcome: a granted lease starts its TTL, a revoked one is forgotten. */
    void applied(Outcome outcome) {
        switch (outcome) {
            case Outcome.LeaseGranted g -> {
                long ttl = TimeUnit.SECONDS.toNanos(g.ttlSeconds());
                deadlines.put(g.id(), new Deadline(ttl, System.nanoTime() + ttl));
            }
            case Outcome.LeaseRevoked r when r.revoked() -> {
                deadlines.remove(r.id());
                revoking.remove(r.id());
            }
            case null, default -> {
            }
        }
    }

    /** The store was replaced by a checkpoint: its leases, each with a fresh TTL. */
    void restored() {
        reload(System.nanoTime());
    }

    /**
     * Whether the deadlines are this leader's: on the first call in a new term as leader, every lease gets a fresh
     * full TTL.
     */
    boolean leading() {
        if (node.role() != Role.LEADER) {
            freshTerm = 0;
            revoking.clear();
            return false;
        }
        if (freshTerm != node.term()) {
            reload(System.nanoTime());
            freshTerm = node.term();
            revoking.clear();
            log.info("Node {} leads term {}: {} leases get a fresh full TTL", selfId, freshTerm, deadlines.size());
        }
        return true;
    }

    /** Each tick: notices a pause, and as leader asks for a round to expire what is due. */
    void tick(long now) {
        if (lastTick != 0 && now - lastTick > pauseNanos) {
            pausedAt = now;
            deadlines.values().forEach(d -> d.at = Math.max(d.at, now + d.ttlNanos));
            log.warn("Node {}: the driver was paused {} ms; {} leases get a fresh full TTL", selfId,
                    TimeUnit.NANOSECONDS.toMillis(now - lastTick), deadlines.size());
        }
        lastTick = now;
        published = deadlines.size();
        if (!leading() || roundOut || !anyDue(now)) {
            return;
        }
        roundOut = true;
        long term = node.term();
        CompletableFuture<Void> done = new CompletableFuture<>();
        done.whenComplete((r, e) -> roundOut = false);
        reads.add(new Read(true, new StoreRead<>((store, t) -> {
            expire(now, term);
            return null;
        }, done), now + timeoutNanos));
    }

    /** Renews the lease for a keepalive that reached this leader at {@code at}; false if it has no deadline here. */
    boolean renew(long id, long at) {
        Deadline d = deadlines.get(id);
        if (d == null) {
            return false;
        }
        d.at = Math.max(d.at, at + d.ttlNanos);
        return true;
    }

    /** Whole seconds until the lease expires, rounded up; its full TTL if this node keeps no deadline for it. */
    long remainingSeconds(long id, long ttlSeconds, long now) {
        Deadline d = deadlines.get(id);
        if (d == null) {
            return ttlSeconds;
        }
        return Math.clamp((d.at - now + 999_999_999L) / 1_000_000_000L, 0, ttlSeconds);
    }

    int published() {
        return published;
    }

    private boolean anyDue(long now) {
        for (Deadline d : deadlines.values()) {
            if (d.at - now < 0) {
                return true;
            }
        }
        return false;
    }

    /** A round asked at {@code askedAt} in {@code term} was confirmed: revokes what expired before it was asked. */
    private void expire(long askedAt, long term) {
        if (node.role() != Role.LEADER || node.term() != term || freshTerm != term || pausedAt - askedAt >= 0) {
            return;
        }
        int proposed = 0;
        for (Map.Entry<Long, Deadline> e : deadlines.entrySet()) {
            long id = e.getKey();
            if (e.getValue().at - askedAt >= 0 || revoking.contains(id) || proposed >= MAX_REVOKES_PER_ROUND) {
                continue;
            }
            revoking.add(id);
            proposed++;
            log.info("Node {}: lease {} expired (TTL {} s, no keepalive); revoking it", selfId, id,
                    TimeUnit.NANOSECONDS.toSeconds(e.getValue().ttlNanos));
            CompletableFuture<Applied> result = new CompletableFuture<>();
            result.whenComplete((a, failure) -> {
                if (failure != null) {
                    revoking.remove(id); // asked again at a later tick, if still leader
                }
            });
            router.add(new KvProposal(KvCommandCodec.encode(new KvCommand.LeaseRevoke(id, term)), result,
                    System.nanoTime() + timeoutNanos));
        }
    }

    private void reload(long now) {
        Map<Long, Long> leases = applier.store().leases();
        deadlines.clear();
        leases.forEach((id, ttlSeconds) -> {
            long ttl = TimeUnit.SECONDS.toNanos(ttlSeconds);
            deadlines.put(id, new Deadline(ttl, now + ttl));
        });
    }
}
