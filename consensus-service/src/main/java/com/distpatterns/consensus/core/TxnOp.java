package com.distpatterns.consensus.core;

import java.util.Arrays;
import java.util.Objects;

/** One operation of a transaction's branch ({@code POST /api/txn}). */
public sealed interface TxnOp {

    /** Sets a key; under lease {@code lease} unless it is 0. */
    record Put(String key, byte[] value, long lease) implements TxnOp {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        /** A put under no lease. */
        public Put(String key, byte[] value) {
            this(key, value, 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && key.equals(p.key) && Arrays.equals(value, p.value) && lease == p.lease;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * key.hashCode() + Arrays.hashCode(value)) + Long.hashCode(lease);
        }
    }

    /** Removes a key if present. */
    record Delete(String key) implements TxnOp {}

    /** Removes every key that starts with {@code prefix}. */
    record DeletePrefix(String prefix) implements TxnOp {}

    /** Reads a key. */
    record Get(String key) implements TxnOp {}

    /** Reads up to {@code limit} keys that start with {@code prefix}. */
    record Range(String prefix, int limit) implements TxnOp {}
}
