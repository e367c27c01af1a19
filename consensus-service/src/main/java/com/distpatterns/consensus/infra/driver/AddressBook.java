package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.transport.PeerAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where each server's Raft port is: the configured peers (they win: the operator knows the deployment), then the
 * addresses replicated with membership changes, for servers added at run time. Confined to the driver thread.
 */
final class AddressBook {

    private final Map<Long, PeerAddress> configured;
    private final Map<Long, String> replicated = new TreeMap<>();

    AddressBook(Map<Long, PeerAddress> configured) {
        this.configured = Map.copyOf(configured);
    }

    void replaceReplicated(Map<Long, String> addresses) {
        replicated.clear();
        replicated.putAll(addresses);
    }

    void learn(long id, String address) {
        replicated.put(id, address);
    }

    void forget(long id) {
        replicated.remove(id);
    }

    /** The replicated part, as snapshots carry it. */
    Map<Long, String> replicated() {
        return Map.copyOf(replicated);
    }

    String addressOf(long id) {
        PeerAddress address = configured.get(id);
        return address != null ? address.toString() : replicated.get(id);
    }

    /** Every known address, configured first. */
    Map<Long, PeerAddress> all() {
        Map<Long, PeerAddress> all = new LinkedHashMap<>(configured);
        replicated.forEach((id, address) -> {
            if (!all.containsKey(id)) {
                try {
                    all.put(id, PeerAddress.parse(address));
                } catch (IllegalArgumentException e) {
                    // validated when proposed; an unparsable one is skipped rather than fatal
                }
            }
        });
        return all;
    }
}
