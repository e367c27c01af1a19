package com.distpatterns.lock.infra;

import java.nio.charset.StandardCharsets;

/**
 * Names of one lock's keys. All of them share the hash tag {@code {name}}, so every script touches one Redis
 * Cluster slot. Lock names cannot contain braces (the API forbids them), so the tag is always the whole name.
 */
record LockKeys(byte[] lease, byte[] fence, byte[] queue, byte[] waiterPrefix) {

    static LockKeys of(String prefix, String name) {
        String base = prefix + "lock:{" + name + "}:";
        return new LockKeys(bytes(base + "lease"), bytes(base + "fence"), bytes(base + "queue"),
                bytes(base + "waiter:"));
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
