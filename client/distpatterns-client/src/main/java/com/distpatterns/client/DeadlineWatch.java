package com.distpatterns.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds blocking socket calls by closing the socket of a call that outlives its deadline: one daemon thread looks
 * at the connections every {@link #TICK_NANOS} while calls are in flight, and sleeps when none has been for a while.
 *
 * <p>Why not a socket timeout: with one, the JDK puts the socket in non-blocking mode and every read becomes a read,
 * a {@code poll} and a read again, three system calls where a blocking read makes one; in the lock benchmark that
 * was the client's largest cost after the kernel's own send path (docs/benchmarks.md, issue 17). Why not a timer
 * task per call: scheduling and cancelling one costs every call a lock and a heap operation, for a bound that is
 * almost never reached. The price is precision: a call ends up to one tick after its deadline.
 */
final class DeadlineWatch implements AutoCloseable {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Ticks without any call in flight after which the thread parks until the next call starts. */
    private static final int QUIET_TICKS = 100;

    /** A connection whose calls the watch bounds. */
    interface Watched {
        /** {@link System#nanoTime()} by which the current call must end; 0 while no call is bounded. */
        long deadline();

        /** Ends the call whose deadline this was (closing its socket), unless that call is over already. */
        void expire(long deadline);
    }

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final String name;
    private volatile Thread thread;
    private volatile boolean asleep;
    private volatile boolean closed;

    DeadlineWatch(String name) {
        this.name = name;
    }

    void add(Watched connection) {
        watched.add(connection);
        if (thread == null) {
            start();
        }
    }

    void remove(Watched connection) {
        watched.remove(connection);
    }

    /** Called after a call's deadline was set: wakes the watch if it sleeps. */
    void callStarted() {
        if (asleep) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    private synchronized void start() {
        if (thread == null && !closed) {
            Thread t = Transport.daemon(name).newThread(this::run);
            thread = t;
            t.start();
        }
    }

    private void run() {
        int quiet = 0;
        // After close() the calls still in flight stay bounded: the thread ends with the last connection.
        while (!closed || !watched.isEmpty()) {
            if (scan()) {
                quiet = 0;
            } else if (++quiet >= QUIET_TICKS) {
                // Sleep until a call starts. A call sets its deadline before it reads asleep, and this thread sets asleep
                // before it looks again: either the call sees asleep and wakes the thread, or the second look sees the call.
                asleep = true;
                if (!scan() && !closed) {
                    LockSupport.park(this);
                }
                asleep = false;
                quiet = 0;
                continue;
            }
            LockSupport.parkNanos(this, TICK_NANOS);
        }
    }

    /** Expires the calls past their deadline; whether any call was in flight. */
    private boolean scan() {
        long now = System.nanoTime();
        boolean busy = false;
        for (Watched connection : watched) {
            long deadline = connection.deadline();
            if (deadline != 0) {
                busy = true;
                if (now - deadline >= 0) {
                    connection.expire(deadline);
                }
            }
        }
        return busy;
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
