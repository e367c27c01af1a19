package com.distpatterns.lock.core;

/** A number that strictly increases with every grant of one lock; storage rejects writes carrying an older one. */
public record FencingToken(long value) implements Comparable<FencingToken> {

    public FencingToken {
        if (value < 1) {
            throw new IllegalArgumentException("fencing tokens start at 1, not " + value);
        }
    }

    @Override
    public int compareTo(FencingToken other) {
        return Long.compare(value, other.value);
    }
}
