package com.distpatterns.consensus.core;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An election's candidate keys as one revision of the store saw them. Campaign order is createRevision order:
 * the leader is the lowest, and each candidate waits for the one just before it.
 *
 * @param revision the store revision the keys were read at: a watch from {@code revision + 1} misses no change
 */
record Candidates(String name, List<KeyValue> keys, long revision) {

    private static final Comparator<KeyValue> CAMPAIGN_ORDER = Comparator.comparingLong(KeyValue::createRevision);

    Candidates {
        keys = keys.stream().sorted(CAMPAIGN_ORDER).toList();
    }

    Optional<ElectionLeader> leader() {
        return keys.isEmpty() ? Optional.empty() : Optional.of(ElectionLeader.of(name, keys.getFirst()));
    }

    Optional<KeyValue> find(String key) {
        return keys.stream().filter(kv -> kv.key().equals(key)).findFirst();
    }

    /** The candidate campaigning just before the one created at {@code createRevision}; empty: that one leads. */
    Optional<KeyValue> before(long createRevision) {
        KeyValue found = null;
        for (KeyValue kv : keys) {
            if (kv.createRevision() < createRevision) {
                found = kv;
            }
        }
        return Optional.ofNullable(found);
    }
}
