package com.distpatterns.consensus.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** A stored value with its revision: the log index of the change that wrote it. */
public record Versioned(byte[] value, long revision) {

    public Versioned {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Versioned v && revision == v.revision && Arrays.equals(value, v.value);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(revision) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Versioned[" + new String(value, StandardCharsets.UTF_8) + "@" + revision + "]";
    }
}
