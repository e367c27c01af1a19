package com.distpatterns.consensus.core;

/** How fresh a read must be. */
public enum ReadConsistency {
    /** Sees every write acknowledged before the read began (ReadIndex through the leader). */
    LINEARIZABLE,
    /** This node's state as it is: fast, possibly stale. */
    LOCAL
}
