package com.distpatterns.consensus.core;

import java.util.List;

/**
 * What applying a command did to the store, as the client is told; {@code revision} is the store revision once
 * the command was applied (the answer's header).
 */
public sealed interface Outcome {

    long revision();

    /** A put: the key as it left it. */
    record Put(KeyValue kv, long revision) implements Outcome {}

    /** A delete: whether the key existed. */
    record Deleted(String key, boolean deleted, long revision) implements Outcome {}

    /** A compare-and-set: the key after it (null when absent). */
    record Swapped(boolean succeeded, KeyValue current, long revision) implements Outcome {}

    /** A transaction: whether its compares held, and one result per operation of the branch applied. */
    record Txn(boolean succeeded, List<OpResult> results, long revision) implements Outcome {
        public Txn {
            results = List.copyOf(results);
        }
    }

    /** A compaction: history before {@code compactedRevision} is gone. */
    record Compacted(long compactedRevision, long revision) implements Outcome {}

    /** A lease granted: its id is the index of the grant's entry. Changes no revision. */
    record LeaseGranted(long id, long ttlSeconds, long revision) implements Outcome {}

    /**
     * A lease revoked ({@code revoked}) and its keys deleted at {@code revision}; not revoked when an expiry was
     * committed outside the term that decided it.
     */
    record LeaseRevoked(long id, boolean revoked, List<String> keys, long revision) implements Outcome {
        public LeaseRevoked {
            keys = List.copyOf(keys);
        }
    }

    /** A write named lease {@code id}, which does not exist: nothing was written. */
    record LeaseMissing(long id, long revision) implements Outcome {}
}
