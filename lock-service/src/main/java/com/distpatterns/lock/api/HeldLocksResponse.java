package com.distpatterns.lock.api;

import com.distpatterns.lock.core.HeldLock;
import com.distpatterns.lock.core.HeldLockPage;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A page of held locks; never a lease id. */
public record HeldLocksResponse(
        List<Entry> locks,
        @Schema(description = "The cursor of the next page, or null on the last") String next) {

    /** One held lock: its holder's label, token, expiry, the time left and the waiters queued for it. */
    public record Entry(String name, String owner, long fencingToken, Instant expiresAt, long ttlMs, long waiters) {}

    static HeldLocksResponse of(HeldLockPage page, Instant now) {
        return new HeldLocksResponse(page.locks().stream().map(lock -> entry(lock, now)).toList(), page.next());
    }

    private static Entry entry(HeldLock lock, Instant now) {
        long left = Math.max(0, Duration.between(now, lock.expiresAt()).toMillis());
        return new Entry(lock.name(), lock.owner(), lock.fencingToken().value(), lock.expiresAt(), left,
                lock.waiters());
    }
}
