package com.distpatterns.consensus.infra.transport;

import java.util.LinkedHashMap;
import java.util.Map;

/** Where a server's Raft port listens: a host name (resolved again at every connection attempt) and a port. */
public record PeerAddress(String host, int port) {

    public PeerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a peer address needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    /** Parses {@code host:port}. */
    public static PeerAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        try {
            return new PeerAddress(text.substring(0, colon).trim(), Integer.parseInt(text.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
    }

    /** Parses the membership list {@code 1=host:port,2=host:port,...}, keeping its order. */
    public static Map<Long, PeerAddress> parseList(String text) {
        Map<Long, PeerAddress> peers = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int equals = item.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("'" + item.trim() + "' is not id=host:port");
            }
            long id;
            try {
                id = Long.parseLong(item.substring(0, equals).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + item.trim() + "' has no numeric node id");
            }
            if (id <= 0) {
                throw new IllegalArgumentException("node ids are positive, not " + id);
            }
            if (peers.put(id, parse(item.substring(equals + 1))) != null) {
                throw new IllegalArgumentException("node " + id + " is listed twice");
            }
        }
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("no peers listed");
        }
        return peers;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
