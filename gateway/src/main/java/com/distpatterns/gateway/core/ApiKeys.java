package com.distpatterns.gateway.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The accepted API keys, held only as SHA-256 digests and compared in constant time, so that neither memory
 * dumps nor response timing give a key away.
 */
public final class ApiKeys {

    /** A known key's digest and the client identity it stands for, made once at start-up. */
    private record Known(byte[] digest, Optional<String> client) {}

    // A digest object per event-loop thread: MessageDigest.getInstance looks the algorithm up among the providers.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ApiKeys::newSha256);

    private final List<Known> known;

    public ApiKeys(List<String> keys) {
        this.known = keys.stream().map(key -> {
            byte[] digest = sha256(key);
            return new Known(digest, Optional.of("key:" + HexFormat.of().formatHex(digest, 0, 8)));
        }).toList();
    }

    /** An open gateway has no keys and lets every call through. */
    public boolean open() {
        return known.isEmpty();
    }

    /**
     * The client identity of a presented key ({@code key:} and a short digest prefix, safe to use in Redis keys and
     * logs), or empty when the key is not one of ours.
     */
    public Optional<String> identify(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        Optional<String> client = Optional.empty();
        // Every candidate compared, whichever matches: the time taken does not tell which key, if any, was close.
        for (Known candidate : known) {
            if (MessageDigest.isEqual(candidate.digest(), digest)) {
                client = candidate.client();
            }
        }
        return client;
    }

    private static byte[] sha256(String value) {
        return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
