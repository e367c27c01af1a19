package com.distpatterns.consensus.core;

import java.util.Arrays;
import java.util.Objects;

/** What applying a {@link KvCommand} did, as the client is told. */
public sealed interface KvResult {

    String key();

    /** The revision reported to the client: see each result. */
    long revision();

    /** A put stored the value at {@code revision}, the index of its log entry. */
    record Written(String key, byte[] value, long revision) implements KvResult {
        @Override
        public boolean equals(Object o) {
            return o instanceof Written w && key.equals(w.key) && Arrays.equals(value, w.value)
                    && revision == w.revision;
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, Arrays.hashCode(value), revision);
        }
    }

    /** A delete at log index {@code revision}; {@code deleted} tells whether the key existed. */
    record Deleted(String key, boolean deleted, long revision) implements KvResult {}

    /**
     * A compare-and-set. {@code current} is the value after it (null when absent) and {@code revision} that
     * value's revision: the entry's own index when it succeeded, the unchanged value's otherwise (0 if absent).
     */
    record Swapped(String key, boolean succeeded, byte[] current, long revision) implements KvResult {
        @Override
        public boolean equals(Object o) {
            return o instanceof Swapped s && key.equals(s.key) && succeeded == s.succeeded
                    && Arrays.equals(current, s.current) && revision == s.revision;
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, succeeded, Arrays.hashCode(current), revision);
        }
    }
}
