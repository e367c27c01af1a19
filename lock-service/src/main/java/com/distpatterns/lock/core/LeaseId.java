package com.distpatterns.lock.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** The secret that proves ownership of a lease: 128 random bits. Its {@code toString} never reveals it. */
public record LeaseId(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    public LeaseId {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("leaseId must not be empty");
        }
    }

    public static LeaseId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new LeaseId(ENCODER.encodeToString(bytes));
    }

    /** A short, one-way digest that lets an operator correlate log lines without learning the secret. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "LeaseId[" + fingerprint() + "]";
    }
}
