package com.distpatterns.consensus.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The leader of an election: the candidate key with the lowest createRevision under the election's prefix.
 *
 * @param key the leader's candidate key ({@link ElectionKeys#candidateKey})
 * @param revision the key's createRevision: a fencing token, strictly increasing from one leader to the next
 * @param value the leader's value, JSON as UTF-8 bytes
 * @param lease the lease the key lives under
 */
public record ElectionLeader(String name, String key, long revision, byte[] value, long lease) {

    public ElectionLeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    static ElectionLeader of(String name, KeyValue kv) {
        return new ElectionLeader(name, kv.key(), kv.createRevision(), kv.value(),
                kv.lease() != 0 ? kv.lease() : ElectionKeys.leaseOf(kv.key()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElectionLeader l && name.equals(l.name) && key.equals(l.key) && revision == l.revision
                && Arrays.equals(value, l.value) && lease == l.lease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, key, revision, Arrays.hashCode(value), lease);
    }

    @Override
    public String toString() {
        return "ElectionLeader[" + name + " " + key + " r" + revision + "=" + new String(value, StandardCharsets.UTF_8)
                + "]";
    }
}
