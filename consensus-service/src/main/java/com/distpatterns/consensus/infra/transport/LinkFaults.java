package com.distpatterns.consensus.infra.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Links this server pretends are cut: frames to and from those peers are dropped. Always empty in production;
 * only the fault-injection profile's endpoint changes it, so tests can partition a cluster of real processes.
 */
public final class LinkFaults {

    private final Set<Long> cut = ConcurrentHashMap.newKeySet();

    /** Cuts the links to exactly these peers, healing every other. */
    public void cutExactly(Set<Long> peers) {
        cut.retainAll(peers);
        cut.addAll(peers);
    }

    public boolean isCut(long peer) {
        return !cut.isEmpty() && cut.contains(peer);
    }

    public Set<Long> cut() {
        return Set.copyOf(cut);
    }
}
