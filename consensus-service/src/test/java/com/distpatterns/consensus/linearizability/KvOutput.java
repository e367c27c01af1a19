package com.distpatterns.consensus.linearizability;

/** What the key-value store answered. Revisions are log indices: every change gets a larger one. */
public sealed interface KvOutput {

    /** The value read (null: absent) and its revision (0 when absent). */
    record Read(String value, long revision) implements KvOutput {}

    /** A put took effect at {@code revision}. */
    record Written(long revision) implements KvOutput {}

    /** A delete took effect at {@code revision}; {@code deleted} tells whether the key existed. */
    record Deleted(boolean deleted, long revision) implements KvOutput {}

    /** A compare-and-set; {@code current} and {@code revision} describe the value after it. */
    record Swapped(boolean succeeded, String current, long revision) implements KvOutput {}
}
