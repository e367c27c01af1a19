package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.raft.ConfChange;
import java.nio.charset.StandardCharsets;
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

    /** An applied membership change: an added learner's address is its context; a removed server's is dropped. */
    void apply(ConfChange change) {
        if (change.type() == ConfChange.Type.ADD_LEARNER && change.context().length > 0) {
            replicated.put(change.nodeId(), new String(change.context(), StandardCharsets.UTF_8));
        } else if (change.type() == ConfChange.Type.REMOVE) {
            replicated.remove(change.nodeId());
        }
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
