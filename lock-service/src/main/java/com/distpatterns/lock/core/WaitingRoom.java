package com.distpatterns.lock.core;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The waiters of this instance, found by id when the store hands one of them the lock. A hand-off that arrives
 * between a waiter's attempt and its wait is kept, so none is lost.
 *
 * <p>A waiter parks without a timeout and one alarm thread wakes it when its time is up. A timed park of a
 * virtual thread would arm and then cancel a timer in the JDK's scheduler, waking its thread both times, on the
 * path of every hand-off; the alarm's queue wakes its thread only when a new deadline is the earliest, and a
 * queue of waiters adds deadlines in order.
 */
public final class WaitingRoom implements AutoCloseable {

    private final ConcurrentHashMap<WaiterId, Seat> seats = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor alarm;

    public WaitingRoom() {
        alarm = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("lock-waiting-alarm").daemon().factory());
        // A hand-off cancels its waiter's alarm: take it out of the queue rather than wake for it later.
        alarm.setRemoveOnCancelPolicy(true);
    }

    private static final class Seat {
        final Thread thread = Thread.currentThread();
        final AtomicReference<HandOff> handOff = new AtomicReference<>();
    }

    /** Registers the calling thread as a waiter; must happen before it queues in the store. */
    public void enter(WaiterId id) {
        seats.put(id, new Seat());
    }

    public void leave(WaiterId id) {
        seats.remove(id);
    }

    /** Delivers a hand-off to its waiter if the waiter is here; returns whether it was. */
    public boolean deliver(HandOff handOff) {
        Seat seat = seats.get(handOff.waiter());
        if (seat == null) {
            return false;
        }
        seat.handOff.set(handOff);
        LockSupport.unpark(seat.thread);
        return true;
    }

    /** Waits up to {@code timeout} for a hand-off; returns it, or {@code null} when none came in time. */
    HandOff await(WaiterId id, Duration timeout) throws InterruptedException {
        Seat seat = seats.get(id);
        if (seat == null || seat.thread != Thread.currentThread()) {
            throw new IllegalStateException("waiter " + id.value() + " is not seated by this thread");
        }
        HandOff handOff = seat.handOff.get();
        if (handOff != null || timeout.isNegative() || timeout.isZero()) {
            return handOff;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread waiter = Thread.currentThread();
        ScheduledFuture<?> wakeUp;
        try {
            wakeUp = alarm.schedule(() -> LockSupport.unpark(waiter), timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw new InterruptedException("the waiting room is closed: the service is shutting down");
        }
        try {
            while ((handOff = seat.handOff.get()) == null) {
                if (deadline - System.nanoTime() <= 0) {
                    return null;
                }
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return handOff;
        } finally {
            wakeUp.cancel(false);
        }
    }

    @Override
    public void close() {
        alarm.shutdownNow();
    }
}
