package com.distpatterns.lock.core;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The waiters of this instance, found by id when the store hands one of them the lock. A hand-off that arrives
 * between a waiter's attempt and its wait is kept, so none is lost.
 */
public final class WaitingRoom {

  private final ConcurrentHashMap<WaiterId, Seat> seats = new ConcurrentHashMap<>();

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
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    HandOff handOff;
    while ((handOff = seat.handOff.get()) == null) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return null;
      }
      LockSupport.parkNanos(this, remaining);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return handOff;
  }
}
