package com.distpatterns.consensus.core;

import java.util.List;

/**
 * A lease as the leader sees it.
 *
 * @param remainingSeconds until it expires unless kept alive
 * @param keys the keys that live under it, in order
 */
public record Lease(long id, long ttlSeconds, long remainingSeconds, List<String> keys) {
    public Lease {
        keys = List.copyOf(keys);
    }
}
