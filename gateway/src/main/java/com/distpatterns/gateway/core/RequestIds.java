package com.distpatterns.gateway.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: a caller's own is kept when it is a sane token, otherwise a fresh one is made. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";

    private static final int MAX_LENGTH = 128;

    private RequestIds() {}

    public static String keepOrCreate(String incoming) {
        if (sane(incoming)) {
            return incoming;
        }
        // Unique, not secret: UUID.randomUUID() would take every request through the lock of one SecureRandom.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    /** 1 to 128 of {@code A-Z a-z 0-9 . _ : -}; a loop, not a regular expression: it runs on every request. */
    static boolean sane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
