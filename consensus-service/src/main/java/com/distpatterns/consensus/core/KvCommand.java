package com.distpatterns.consensus.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A change to the key-value store, replicated through the log. Values are JSON documents as UTF-8 bytes. */
public sealed interface KvCommand {

    /** Longest key accepted, in bytes of UTF-8. */
    int MAX_KEY_BYTES = 512;

    /** Most operations of a transaction's branch. */
    int MAX_TXN_OPS = 128;
    /** Most compares of a transaction. */
    int MAX_TXN_COMPARES = 64;

    /** The bytes this command may add to the store, for the quota: deletes and compactions add none. */
    default long bytesAdded() {
        return switch (this) {
            case Put p -> p.key().length() + p.value().length;
            case CompareAndSet c -> c.key().length() + c.value().length;
            case Delete d -> 0;
            case Txn t -> Math.max(putBytes(t.success()), putBytes(t.failure()));
            case Compact c -> 0;
            case LeaseGrant g -> 0;
            case LeaseRevoke r -> 0;
        };
    }

    private static long putBytes(List<TxnOp> ops) {
        long bytes = 0;
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Put p) {
                bytes += p.key().length() + p.value().length;
            }
        }
        return bytes;
    }

    /**
     * A transaction: if every compare holds, the success branch, else the failure branch; all at one revision.
     * Single-key conditional writes ({@code ifModRevision}) are transactions too.
     */
    record Txn(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure) implements KvCommand {
        public Txn {
            compares = List.copyOf(compares);
            success = List.copyOf(success);
            failure = List.copyOf(failure);
        }
    }

    /**
     * Grants a lease of {@code ttlSeconds}; its id is the index of the log entry that carries this command, so every
     * node gives the same id and no id is ever given twice.
     */
    record LeaseGrant(long ttlSeconds) implements KvCommand {}

    /**
     * Revokes lease {@code id} and deletes its keys, all at one revision. {@code expiryTerm} 0: a client's revoke,
     * applied whoever proposed it. Otherwise the leader of that term decided the lease expired, and the entry is
     * applied only if it was committed in that term: a deposed leader's expiry, proposed again by anyone later, does
     * nothing.
     */
    record LeaseRevoke(long id, long expiryTerm) implements KvCommand {}

    /** Drops the history before {@code revision}. */
    record Compact(long revision) implements KvCommand {}

    /** Sets the key to the value; under lease {@code lease} unless it is 0. */
    record Put(String key, byte[] value, long lease) implements KvCommand {
        public Put {
            checkKey(key);
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

        @Override
        public String toString() {
            return "Put[" + key + "=" + new String(value, StandardCharsets.UTF_8)
                    + (lease == 0 ? "" : " lease " + lease) + "]";
        }
    }

    /** Removes the key if present. */
    record Delete(String key) implements KvCommand {
        public Delete {
            checkKey(key);
        }
    }

    /** Sets the key to {@code value} only if it currently holds {@code expected}; a null expected means absent. */
    record CompareAndSet(String key, byte[] expected, byte[] value) implements KvCommand {
        public CompareAndSet {
            checkKey(key);
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CompareAndSet c && key.equals(c.key) && Arrays.equals(expected, c.expected)
                    && Arrays.equals(value, c.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, Arrays.hashCode(expected), Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "CompareAndSet[" + key + ": "
                    + (expected == null ? "absent" : new String(expected, StandardCharsets.UTF_8))
                    + " -> " + new String(value, StandardCharsets.UTF_8) + "]";
        }
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        int length = key.getBytes(StandardCharsets.UTF_8).length;
        if (length < 1 || length > MAX_KEY_BYTES) {
            throw new InvalidRequestException("keys are 1.." + MAX_KEY_BYTES + " bytes of UTF-8, got " + length);
        }
    }
}
