package com.distpatterns.lock.core;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The waiters of this instance, found by id when a wake-up for one of them arrives. Wake-ups are remembered, so
 * one that arrives between a waiter's attempt and its wait is not lost.
 */
public final class WaitingRoom {

  private final ConcurrentHashMap<WaiterId, Semaphore> waiters = new ConcurrentHashMap<>();

  /** Registers a waiter; must happen before it queues in the store, or its first wake-up could go unheard. */
  public void enter(WaiterId id) {
    waiters.put(id, new Semaphore(0));
  }

  public void leave(WaiterId id) {
    waiters.remove(id);
  }

  /** Wakes the waiter if it is here; returns whether it was. */
  public boolean wake(WaiterId id) {
    Semaphore signal = waiters.get(id);
    if (signal == null) {
      return false;
    }
    if (signal.availablePermits() == 0) {
      signal.release();
    }
    return true;
  }

  /** Waits up to {@code timeout} for a wake-up; true if one came (or had already come). */
  boolean await(WaiterId id, Duration timeout) throws InterruptedException {
    Semaphore signal = waiters.get(id);
    if (signal == null) {
      throw new IllegalStateException("waiter " + id.value() + " is not in the waiting room");
    }
    boolean woken = signal.tryAcquire(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    if (woken) {
      signal.drainPermits();
    }
    return woken;
  }

  public int size() {
    return waiters.size();
  }
}
