package com.distpatterns.consensus.core;

import java.util.Arrays;

/**
 * Whether a compare-and-set's expected value is the stored one. Every server must decide alike: it is part of
 * the replicated state machine's definition.
 */
@FunctionalInterface
public interface ValueEquivalence {

    /** Byte for byte. */
    ValueEquivalence BYTES = Arrays::equals;

    boolean same(byte[] stored, byte[] expected);
}
