package com.distpatterns.client;

import com.distpatterns.client.LockRegistry.Hold;
import com.distpatterns.client.LockRegistry.Key;
import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import com.distpatterns.client.Transport.Response;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.regex.Pattern;

/**
 * A lock of lock-service as a {@link Lock}: reentrant per thread, its lease renewed by a watchdog at a third of
 * the lease time while held, and a lease lost despite the watchdog reported rather than hidden.
 *
 * <p>Each thread that takes the lock takes its own lease from the service (the service queues waiters fairly,
 * across every JVM); the same thread taking it again only counts up. A holder that dies stops renewing, and the
 * lock is free for others after one lease time. A holder that was paused (GC, SIGSTOP, a partition) past its
 * lease finds {@link #isHeldByCurrentThread()} false, its {@link LeaseListener}s told, and {@link #unlock()}
 * throwing {@link LeaseLostException}. Protect the data written under the lock with {@link #fencingToken()}.
 */
public final class DistributedLock implements Lock {

    private static final System.Logger LOG = System.getLogger(DistributedLock.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** One acquire call waits at most this long on the service (its limit is 60 s, the gateway's 65 s). */
    static final long MAX_WAIT_PER_CALL_MS = 30_000;
    private static final long MIN_LEASE_MS = 100;
    private static final long MAX_LEASE_MS = 3_600_000;
    private static final String OWNER_PREFIX = System.getenv().getOrDefault("HOSTNAME", "host") + "/"
            + ProcessHandle.current().pid() + "/";

    private record Status(String name, boolean held, Long fencingToken) {}

    private final String name;
    private final long leaseMs;
    private final String path;
    private final Transport transport;
    private final LockRegistry registry;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();

    DistributedLock(String name, Duration leaseTime, Transport transport, LockRegistry registry) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("lock names are [A-Za-z0-9._:-]{1,128}, was '" + name + "'");
        }
        long ms = leaseTime.toMillis();
        if (ms < MIN_LEASE_MS || ms > MAX_LEASE_MS) {
            throw new IllegalArgumentException("lease time must be 100 ms..1 h, was " + leaseTime);
        }
        this.name = name;
        this.leaseMs = ms;
        this.path = "/api/locks/" + name;
        this.transport = transport;
        this.registry = registry;
    }

    public String name() {
        return name;
    }

    public Duration leaseTime() {
        return Duration.ofMillis(leaseMs);
    }

    /** Adds a listener told when a lease of this lock object is lost; returns this lock. */
    public DistributedLock onLeaseLost(LeaseListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Waits as long as it takes; an interrupt does not end the wait (it is kept and set again afterwards). */
    @Override
    public void lock() {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    if (acquire(MAX_WAIT_PER_CALL_MS, false)) {
                        return;
                    }
                } catch (InterruptedException cannotHappen) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        while (!acquire(MAX_WAIT_PER_CALL_MS, true)) {
            // the service's wait ran out without a grant: wait again
        }
    }

    /** Takes the lock if it is free now (one call, no waiting on the service). */
    @Override
    public boolean tryLock() {
        try {
            return acquire(0, false);
        } catch (InterruptedException cannotHappen) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits up to {@code time} on the service, queued fairly with every other waiter. */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long deadline = System.nanoTime() + unit.toNanos(Math.max(0, time));
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (acquire(Math.max(0, Math.min(left, MAX_WAIT_PER_CALL_MS)), true)) {
                return true;
            }
            if (left <= MAX_WAIT_PER_CALL_MS) {
                return false;
            }
        }
    }

    /**
     * Leaves the lock (the last of a thread's nested holds releases the lease).
     *
     * @throws LeaseLostException if the lease was lost while held: the critical section may have overlapped
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    @Override
    public void unlock() {
        Key key = new Key(name, Thread.currentThread());
        Hold hold = registry.holds.get(key);
        if (hold == null) {
            throw new IllegalMonitorStateException("lock '" + name + "' is not held by this thread");
        }
        boolean lost = !hold.valid();
        if (--hold.count > 0) {
            if (lost) {
                throw lose(hold, "no renewal was confirmed within the lease");
            }
            return;
        }
        registry.holds.remove(key);
        hold.released = true; // the watchdog skips it from now on
        Response answer;
        try {
            answer = transport.sendUninterruptibly(new Call("POST", path + "/release", LockWire.release(hold.leaseId),
                    null, Repeat.ONLY_IF_NOT_SENT));
        } catch (SuiteException unreachable) {
            if (lost) {
                throw lose(hold, "no renewal was confirmed within the lease");
            }
            throw unreachable; // the lease ends by itself after its TTL: the watchdog has stopped
        }
        if (answer.is(409)) {
            throw lose(hold, "the service no longer held the lease at release");
        }
        transport.expect(answer, 204);
        if (lost) {
            // Released fine, but the client could not be sure of it meanwhile and said so: stay consistent.
            throw lose(hold, "no renewal was confirmed within the lease");
        }
    }

    /** Whether this thread holds the lock and its lease is certainly still valid. */
    public boolean isHeldByCurrentThread() {
        Hold hold = registry.holds.get(new Key(name, Thread.currentThread()));
        return hold != null && hold.valid();
    }

    /** How often this thread has entered the lock without leaving it (0: not held). */
    public int getHoldCount() {
        Hold hold = registry.holds.get(new Key(name, Thread.currentThread()));
        return hold == null ? 0 : hold.count;
    }

    /**
     * The fencing token of this thread's lease: pass it with every write made under the lock, and have the
     * storage refuse a token older than one it has seen (docs/lock.md).
     *
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    public long fencingToken() {
        Hold hold = registry.holds.get(new Key(name, Thread.currentThread()));
        if (hold == null) {
            throw new IllegalMonitorStateException("lock '" + name + "' is not held by this thread");
        }
        return hold.fencingToken;
    }

    /** Whether anyone holds the lock now, as the service sees it (one call). */
    public boolean isLocked() {
        Response answer = transport.expect(transport.sendUninterruptibly(Call.get(path)), 200);
        return transport.read(answer, Status.class).held();
    }

    /** Not supported: a condition would need the service to wake waiters by signal. */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("DistributedLock has no conditions");
    }

    private boolean acquire(long waitMs, boolean interruptible) throws InterruptedException {
        Thread me = Thread.currentThread();
        Hold held = registry.holds.get(new Key(name, me));
        if (held != null) {
            if (held.lost) {
                throw new LeaseLostException(name, held.fencingToken, "unlock() the lost hold before locking again");
            }
            held.count++;
            return true;
        }
        long sentAt = System.nanoTime();
        Duration timeout = transport.settings().requestTimeout().plusMillis(waitMs);
        String owner = OWNER_PREFIX + me.getName();
        Call call = new Call("POST", path + "/acquire",
                LockWire.acquire(leaseMs, waitMs, owner.length() > 256 ? owner.substring(0, 256) : owner), timeout,
                Repeat.ONLY_IF_NOT_SENT);
        Response answer;
        if (interruptible) {
            // On a thread of the client's, so that an interrupt can end the wait (a socket read cannot be interrupted).
            CompletableFuture<Response> pending = transport.sendAsync(call, transport.settings().retry());
            try {
                answer = pending.get();
            } catch (InterruptedException e) {
                // The service may still grant it: give such a lease back rather than leave it blocking others for a TTL.
                pending.thenAccept(this::releaseUnwanted);
                throw e;
            } catch (ExecutionException e) {
                throw Transport.unwrap(e.getCause());
            }
        } else {
            answer = transport.sendUninterruptibly(call); // on this thread: no hand-off
        }
        if (answer.is(409)) {
            return false;
        }
        LockWire.Lease lease = LockWire.lease(transport.json().tokenStreamFactory(),
                transport.expect(answer, 200).body());
        Hold hold = new Hold(this, me, lease.leaseId(), lease.fencingToken(), leaseMs, sentAt + leaseMs * 1_000_000L);
        if (System.nanoTime() - sentAt > hold.leaseNanos / 3 && !renewNow(hold)) {
            return false; // granted after a long wait and already gone: as if not granted
        }
        registry.holds.put(new Key(name, me), hold);
        scheduleRenewal(hold, hold.confirmedUntil - hold.leaseNanos);
        return true;
    }

    /**
     * After a long wait the grant happened at an unknown moment of it; a renewal now gives a lease end the client
     * knows by its own clock.
     */
    private boolean renewNow(Hold hold) {
        long sentAt = System.nanoTime();
        Response answer = transport.sendUninterruptibly(new Call("POST", path + "/renew",
                LockWire.renew(hold.leaseId, leaseMs), null, Repeat.SAFE));
        if (answer.is(409)) {
            return false;
        }
        transport.expect(answer, 200);
        hold.confirmedUntil = sentAt + hold.leaseNanos;
        return true;
    }

    private void scheduleRenewal(Hold hold, long confirmedAt) {
        registry.renewAt(hold, confirmedAt + hold.leaseNanos / 3);
    }

    /** The watchdog: renew, and either schedule the next renewal or conclude the lease is lost. */
    void renew(Hold hold) {
        if (hold.released || hold.lost) {
            return;
        }
        long sentAt = System.nanoTime();
        long left = hold.confirmedUntil - sentAt;
        if (left <= 0) {
            lose(hold, "no renewal was confirmed within the lease");
            return;
        }
        // No answer before the lease would end is as good as a refusal: bound the call by what is left of it.
        Duration timeout = Duration.ofNanos(Math.min(left, transport.settings().requestTimeout().toNanos()));
        transport.sendAsync(
                new Call("POST", path + "/renew", LockWire.renew(hold.leaseId, leaseMs), timeout, Repeat.SAFE),
                RetryPolicy.NONE).whenComplete((answer, failure) -> {
                    if (hold.released) {
                        return;
                    }
                    if (failure == null && answer.is(200)) {
                        hold.confirmedUntil = sentAt + hold.leaseNanos;
                        scheduleRenewal(hold, sentAt);
                    } else if (failure == null && answer.is(409)) {
                        lose(hold, "the service refused the renewal: the lease had ended");
                    } else {
                        // Transient (a timeout, a 503): try again soon, for as long as the lease may still be ours.
                        registry.renewAt(hold, System.nanoTime() + Math.min(hold.leaseNanos / 10, 1_000_000_000L));
                    }
                });
    }

    /**
     * Marks the hold lost and tells the listeners, once. Synchronized on the hold so that a second caller (unlock()
     * while the watchdog concludes the loss) returns only after the listeners were told: unlock() never throws
     * LeaseLostException ahead of the listener its caller may be waiting for.
     */
    private LeaseLostException lose(Hold hold, String reason) {
        synchronized (hold) {
            return loseOnce(hold, reason);
        }
    }

    private LeaseLostException loseOnce(Hold hold, String reason) {
        LeaseLostException lost = new LeaseLostException(name, hold.fencingToken, reason);
        if (hold.lost) {
            return lost;
        }
        hold.lost = true; // the watchdog skips it from now on
        LOG.log(Level.WARNING, "Lease of lock ''{0}'' (fencing token {1}) held by thread {2} lost: {3}", name,
                hold.fencingToken, hold.thread.getName(), reason);
        LeaseListener.LeaseLoss loss = new LeaseListener.LeaseLoss(name, hold.fencingToken, hold.thread.getName(),
                reason);
        for (LeaseListener listener : hold.lock.listeners) {
            try {
                listener.leaseLost(loss);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A lease listener of lock '" + name + "' failed", e);
            }
        }
        return lost;
    }

    private void releaseUnwanted(Response answer) {
        if (answer.is(200)) {
            LockWire.Lease lease = LockWire.lease(transport.json().tokenStreamFactory(), answer.body());
            transport.sendAsync(new Call("POST", path + "/release", LockWire.release(lease.leaseId()), null,
                    Repeat.ONLY_IF_NOT_SENT), transport.settings().retry());
        }
    }
}
