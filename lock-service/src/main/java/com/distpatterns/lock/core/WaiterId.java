package com.distpatterns.lock.core;

import java.util.concurrent.ThreadLocalRandom;

/** Names one waiting request in a lock's queue; not a secret (it proves nothing). */
public record WaiterId(String value) {

    public static WaiterId random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new WaiterId(Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
    }
}
