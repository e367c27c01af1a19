package com.distpatterns.consensus.linearizability;

/** A call on the key-value store as a client makes it. Values are strings; null stands for absent. */
public sealed interface KvInput {

    String key();

    /** Reads the key. */
    record Get(String key) implements KvInput {}

    /** Writes the key. */
    record Put(String key, String value) implements KvInput {}

    /** Removes the key. */
    record Delete(String key) implements KvInput {}

    /** Writes {@code value} if the key holds {@code expected} (null: if absent). */
    record Cas(String key, String expected, String value) implements KvInput {}
}
