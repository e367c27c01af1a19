package com.distpatterns.consensus.core;

import java.util.List;

/** What one operation of a transaction did, in the order of the branch. */
public sealed interface OpResult {

    /** The key as the put left it. */
    record Put(KeyValue kv) implements OpResult {}

    /** How many keys a delete removed. */
    record Deleted(long deleted) implements OpResult {}

    /** The key read; null when absent. */
    record Get(KeyValue kv) implements OpResult {}

    /** A range read: the keys, how many match in all, whether more follow. */
    record Range(List<KeyValue> kvs, long count, boolean more) implements OpResult {
        public Range {
            kvs = List.copyOf(kvs);
        }
    }
}
