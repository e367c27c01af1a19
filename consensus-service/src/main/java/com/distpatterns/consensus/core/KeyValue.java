package com.distpatterns.consensus.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key as a revision of the store saw it (etcd's {@code KeyValue}).
 *
 * @param createRevision the revision that created this generation of the key (a delete ends a generation)
 * @param modRevision the revision of the last change
 * @param version puts since creation, 1 for the first
 * @param lease the lease the key lives under, 0 for none
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** A key under no lease. */
    public KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {
        this(key, value, createRevision, modRevision, version, 0);
    }

    /** The single-key view of older calls: the value and the revision that wrote it. */
    public Versioned versioned() {
        return new Versioned(value, modRevision);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && key.equals(kv.key) && Arrays.equals(value, kv.value)
                && createRevision == kv.createRevision && modRevision == kv.modRevision && version == kv.version
                && lease == kv.lease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version, lease);
    }

    @Override
    public String toString() {
        return "KeyValue[" + key + "=" + new String(value, StandardCharsets.UTF_8) + " c" + createRevision + " m"
                + modRevision + " v" + version + (lease == 0 ? "" : " l" + lease) + "]";
    }
}
