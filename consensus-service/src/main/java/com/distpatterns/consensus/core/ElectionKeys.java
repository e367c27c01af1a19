package com.distpatterns.consensus.core;

import java.nio.charset.StandardCharsets;

/**
 * Where elections live in the key space: candidate {@code L} of election {@code N} is the key
 * {@code _elections/N/<L in hex>}, so one lease is one candidate per election and a retried campaign finds its
 * own key. Names carry no '/', so one election's prefix never covers another's keys.
 */
public final class ElectionKeys {

    /** The part of the key space elections use. Reserved by convention: other writers must stay out of it. */
    public static final String ROOT = "_elections/";

    /** Longest election name, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 128;

    private ElectionKeys() {}

    /** Checks a name: 1..128 bytes of UTF-8, no '/', no control characters. */
    public static String checkName(String name) {
        int length = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        if (length < 1 || length > MAX_NAME_BYTES) {
            throw new InvalidRequestException(
                    "an election name is 1.." + MAX_NAME_BYTES + " bytes of UTF-8, got " + length);
        }
        if (name.chars().anyMatch(c -> c == '/' || Character.isISOControl(c))) {
            throw new InvalidRequestException("an election name has no '/' and no control characters: '" + name + "'");
        }
        return name;
    }

    /** Every candidate key of election {@code name} starts with this. */
    public static String prefix(String name) {
        return ROOT + checkName(name) + "/";
    }

    public static String candidateKey(String name, long leaseId) {
        return prefix(name) + Long.toHexString(leaseId);
    }

    /**
     * The lease a candidate key names (its last segment, in hex), 0 when it names none: the key's own lease field
     * says the same, this is for a store view that does not carry it.
     */
    static long leaseOf(String key) {
        try {
            return Long.parseUnsignedLong(key.substring(key.lastIndexOf('/') + 1), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The first key after the prefix: the prefix ends with '/', which the next byte value ('0') follows. */
    static byte[] prefixEnd(String name) {
        byte[] end = prefix(name).getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return end;
    }
}
