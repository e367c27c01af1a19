package com.distpatterns.consensus.raft.sim;

import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.RaftLog;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.HardState;
import com.distpatterns.consensus.raft.Role;
import com.distpatterns.consensus.raft.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks the safety properties of the Raft paper as a run goes: Election Safety, Log Matching, Leader
 * Completeness and State Machine Safety. Each check is incremental, so it runs after every step.
 */
final class SafetyMonitor {

    /** What is known about a committed entry: its term and a digest of its payload. */
    private record Committed(long term, long digest, byte[] data) {
        boolean sameAs(Committed other) {
            return term == other.term && digest == other.digest && Arrays.equals(data, other.data);
        }
    }

    private record IndexTerm(long index, long term) {}

    /** The persisted log of one node as chained digests: equal digest at (index, term) means equal prefixes. */
    private static final class LogMirror {
        long base;
        final ArrayList<Long> chain = new ArrayList<>();

        LogMirror(long base, long baseDigest) {
            reset(base, baseDigest);
        }

        void reset(long newBase, long baseDigest) {
            base = newBase;
            chain.clear();
            chain.add(baseDigest);
        }
    }

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<IndexTerm, Long> prefixDigests = new HashMap<>();
    private final TreeMap<Long, Committed> committed = new TreeMap<>();
    private final Map<Long, LogMirror> mirrors = new HashMap<>();
    private final Map<Long, Long> snapshotDigests = new HashMap<>();
    private final Map<Long, Long> lastLeaderTerm = new HashMap<>();

    SafetyMonitor() {
        prefixDigests.put(new IndexTerm(0, 0), 0L);
        prefixDigests.put(new IndexTerm(1, 1), bootstrapDigest());
    }

    private static long bootstrapDigest() {
        return 0x5EED;
    }

    void registerNode(long id, Snapshot initial) {
        mirrors.put(id, new LogMirror(initial.index(), initial.index() == 0 ? 0 : bootstrapDigest()));
    }

    /** Election Safety, and Leader Completeness for a node seen leading a term for the first time. */
    void afterStep(Iterable<SimNode> nodes) {
        for (SimNode node : nodes) {
            RaftNode raft = node.raft;
            if (raft == null || raft.role() != Role.LEADER) {
                continue;
            }
            Long previous = leaderOfTerm.putIfAbsent(raft.term(), node.id);
            if (previous != null && previous != node.id) {
                throw new SafetyViolation(
                        "election safety: nodes " + previous + " and " + node.id + " both lead term " + raft.term());
            }
            Long seen = lastLeaderTerm.put(node.id, raft.term());
            if (seen == null || seen != raft.term()) {
                checkLeaderCompleteness(node.id, raft);
            }
        }
    }

    private void checkLeaderCompleteness(long id, RaftNode leader) {
        if (committed.isEmpty()) {
            return;
        }
        RaftLog log = leader.log();
        long highest = committed.lastKey();
        if (log.lastIndex() < highest) {
            throw new SafetyViolation("leader completeness: node " + id + " leads term " + leader.term()
                    + " with a log ending at " + log.lastIndex() + ", but index " + highest + " is committed");
        }
        long from = Math.max(log.firstIndex(), committed.firstKey());
        if (from > highest) {
            return;
        }
        List<Entry> entries = log.slice(from, highest + 1, Long.MAX_VALUE);
        for (Entry entry : entries) {
            Committed expected = committed.get(entry.index());
            if (expected != null && (expected.term() != entry.term() || expected.digest() != digest(entry))) {
                throw new SafetyViolation("leader completeness: node " + id + " leads term " + leader.term()
                        + " with " + entry + " where the committed entry has term " + expected.term());
            }
        }
    }

    /** Log Matching, over what a node persisted; and commits the node persisted, for the other checks. */
    void onPersist(SimNode node, Optional<Snapshot> persistedSnapshot, List<Entry> entries,
            Optional<HardState> hardState) {
        LogMirror mirror = mirrors.get(node.id);
        persistedSnapshot.ifPresent(snapshot -> {
            Long digest = prefixDigests.get(new IndexTerm(snapshot.index(), snapshot.term()));
            if (digest == null) {
                throw new SafetyViolation(
                        "node " + node.id + " installed a snapshot at " + snapshot.index() + "@" + snapshot.term()
                                + " that matches no entry any node persisted");
            }
            mirror.reset(snapshot.index(), digest);
        });
        for (Entry entry : entries) {
            long offset = entry.index() - mirror.base;
            if (offset <= 0) {
                continue; // covered by the snapshot the mirror starts from
            }
            if (offset > mirror.chain.size()) {
                throw new SafetyViolation("node " + node.id + " persisted " + entry + " leaving a gap after "
                        + (mirror.base + mirror.chain.size() - 1));
            }
            while (mirror.chain.size() > offset) {
                mirror.chain.removeLast();
            }
            long chained = chain(mirror.chain.getLast(), entry);
            mirror.chain.add(chained);
            Long known = prefixDigests.putIfAbsent(new IndexTerm(entry.index(), entry.term()), chained);
            if (known != null && known != chained) {
                throw new SafetyViolation("log matching: node " + node.id + " holds " + entry
                        + " with the same index and term as another node's entry, but the logs up to it differ");
            }
        }
        hardState.ifPresent(hs -> {
            long commit = hs.commit();
            long first = Math.max(node.disk.firstIndex(), commit - 64);
            if (commit >= first && commit <= node.disk.lastIndex()) {
                for (Entry entry : node.disk.entries(first, commit + 1, Long.MAX_VALUE)) {
                    recordCommitted(node.id, entry);
                }
            }
        });
    }

    /** State Machine Safety: every node applies the same entry at an index, in order, without gaps. */
    void onApply(SimNode node, Entry entry) {
        if (entry.index() != node.applied + 1) {
            throw new SafetyViolation("node " + node.id + " applied " + entry + " after index " + node.applied);
        }
        recordCommitted(node.id, entry);
    }

    /** Equal state machines at equal indices: compares the images of snapshots taken or received. */
    void onSnapshot(long nodeId, long index, byte[] image) {
        long digest = Arrays.hashCode(image);
        Long known = snapshotDigests.putIfAbsent(index, digest);
        if (known != null && known != digest) {
            throw new SafetyViolation(
                    "state machine safety: node " + nodeId + " has a different state at index " + index);
        }
    }

    private void recordCommitted(long nodeId, Entry entry) {
        Committed fact = new Committed(entry.term(), digest(entry), entry.data());
        Committed known = committed.putIfAbsent(entry.index(), fact);
        if (known != null && !known.sameAs(fact)) {
            throw new SafetyViolation("state machine safety: node " + nodeId + " committed " + entry
                    + " where another node committed term " + known.term() + " with different data");
        }
    }

    /** The payload committed at an index, if any node applied or committed it, for the lab's agreement checks. */
    boolean isCommitted(long index) {
        return committed.containsKey(index);
    }

    /** The payload committed at an index, or null if no node is known to have committed it. */
    byte[] committedData(long index) {
        Committed fact = committed.get(index);
        return fact == null ? null : fact.data();
    }

    /** The term of the entry committed at an index, or -1 if no node is known to have committed it. */
    long committedTerm(long index) {
        Committed fact = committed.get(index);
        return fact == null ? -1 : fact.term();
    }

    long highestCommitted() {
        return committed.isEmpty() ? 0 : committed.lastKey();
    }

    private static long digest(Entry entry) {
        return Arrays.hashCode(entry.data()) * 31L + entry.type().ordinal();
    }

    private static long chain(long previous, Entry entry) {
        long h = previous * 0x9E3779B97F4A7C15L + entry.term() * 0xC2B2AE3D27D4EB4FL + digest(entry) + entry.index();
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 32);
    }
}
