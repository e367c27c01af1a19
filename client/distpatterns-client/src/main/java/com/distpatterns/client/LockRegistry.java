package com.distpatterns.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The leases this client holds, by lock name and thread. Shared by every {@link DistributedLock} of one client,
 * so that two lock objects of one name in one thread are one reentrant lock (not a thread waiting for itself);
 * it holds only the locks currently held.
 *
 * <p>The watchdog is one wake-up at the earliest renewal due, not a timer task per hold: a hold taken and left
 * within a third of its lease (the common case) costs no scheduling and no cancelling, only a look at that
 * wake-up's time. When it comes, the watchdog renews every hold due (or nearly: within a thirtieth of its lease,
 * so that holds taken close together are renewed together) and sets the next wake-up.
 */
final class LockRegistry {

    record Key(String lock, Thread thread) {}

    /** One thread's hold of one lock: its lease, how often it is entered, and the watchdog's view of it. */
    static final class Hold {
        final String leaseId;
        final long fencingToken;
        final long leaseNanos;
        final long leaseMs;
        final DistributedLock lock;
        final Thread thread;
        int count = 1; // touched by the holding thread only
        volatile long confirmedUntil; // System.nanoTime() before which the lease is certainly ours
        volatile boolean lost;
        volatile boolean released;
        /** {@link System#nanoTime()} of the next renewal; {@link #NONE} while one is under way. */
        volatile long renewAt = NONE;

        Hold(DistributedLock lock, Thread thread, String leaseId, long fencingToken, long leaseMs,
                long confirmedUntil) {
            this.lock = lock;
            this.thread = thread;
            this.leaseId = leaseId;
            this.fencingToken = fencingToken;
            this.leaseMs = leaseMs;
            this.leaseNanos = leaseMs * 1_000_000L;
            this.confirmedUntil = confirmedUntil;
        }

        boolean valid() {
            return !lost && System.nanoTime() - confirmedUntil < 0;
        }
    }

    static final long NONE = Long.MAX_VALUE;

    final Map<Key, Hold> holds = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog;
    /** {@link System#nanoTime()} of the watchdog's next wake-up; {@link #NONE}: none set. */
    private volatile long wakeAt = NONE;
    private ScheduledFuture<?> wake; // guarded by this

    LockRegistry(ScheduledExecutorService watchdog) {
        this.watchdog = watchdog;
    }

    /** Has the watchdog renew {@code hold} (already in {@link #holds}) at {@code at}. */
    void renewAt(Hold hold, long at) {
        hold.renewAt = at;
        wakeBy(at);
    }

    private void wakeBy(long at) {
        long next = wakeAt;
        if (next != NONE && at - next >= 0) {
            return; // the watchdog wakes up before, and sets its next wake-up from the holds then
        }
        synchronized (this) {
            next = wakeAt;
            if (next != NONE && at - next >= 0) {
                return;
            }
            if (wake != null) {
                wake.cancel(false);
            }
            wakeAt = at;
            wake = watchdog.schedule(this::wakeUp, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private void wakeUp() {
        synchronized (this) {
            // From here a hold that becomes due sets a wake-up of its own: none is missed while the holds are looked at.
            wakeAt = NONE;
            wake = null;
        }
        long now = System.nanoTime();
        long next = NONE;
        for (Hold hold : holds.values()) {
            long at = hold.renewAt;
            if (at == NONE || hold.released || hold.lost) {
                continue;
            }
            if (at - now <= hold.leaseNanos / 30) {
                hold.renewAt = NONE;
                hold.lock.renew(hold); // sends asynchronously, and sets the hold's next renewal when answered
            } else if (next == NONE || at - next < 0) {
                next = at;
            }
        }
        if (next != NONE) {
            wakeBy(next);
        }
    }
}
